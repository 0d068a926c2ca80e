using Remediator.Pipeline;

namespace Remediator.Tests.Acting;

public sealed class LaterPolicyTests
{
    [Fact]
    public void Delay_AnyWaitAndDraw_WithinSqsDelayBoundsAndWholeSeconds()
    {
        for (var later = 0; later < 40; later++)
            foreach (var random in new[] { 0.0, 0.37, 1.0 })
            {
                var delay = LaterPolicy.Delay(later, random);
                // SQS SendMessage DelaySeconds: 0 to 900.
                Assert.InRange(delay.TotalSeconds, 1, 900);
                Assert.Equal(0, delay.Ticks % TimeSpan.TicksPerSecond);
            }
    }

    [Fact]
    public void Delay_LaterWaits_NeverShorterAtTheirLongest()
    {
        var longest = Enumerable.Range(0, 12).Select(n => LaterPolicy.Delay(n, 1.0)).ToList();

        Assert.Equal(longest.Order(), longest);
        Assert.True(longest[0] < longest[^1]);
    }

    [Fact]
    public void MayWait_SinceSixHoursAgo_NoLonger()
    {
        var now = new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);

        Assert.True(LaterPolicy.MayWait(now.AddHours(-5), now));
        Assert.False(LaterPolicy.MayWait(now.AddHours(-6), now));
    }
}
