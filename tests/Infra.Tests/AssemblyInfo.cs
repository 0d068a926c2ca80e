// The jsii runtime behind the CDK serves one request at a time: synthesizing from parallel test classes
// interleaves its protocol messages.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
