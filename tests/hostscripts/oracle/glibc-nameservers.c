/*
 * glibc-nameservers: prints the nameservers glibc itself uses, the oracle
 * that tests/hostscripts/root judges resolv-fix.sh by.
 *
 *   glibc-nameservers            res_ninit() on /etc/resolv.conf and one
 *                                line per server: "ADDR loopback" or
 *                                "ADDR remote".
 *   glibc-nameservers view FILE  the same, with FILE bind-mounted over
 *                                /etc/resolv.conf in a private mount
 *                                namespace of its own and an empty
 *                                environment (RES_OPTIONS and LOCALDOMAIN
 *                                cannot add servers). Needs root. One
 *                                process, where unshare(1), a shell,
 *                                mount(8) and env(1) cost five per fixture.
 *   glibc-nameservers canon ADDR...
 *                                the address as res_init parses a
 *                                nameserver value (inet_aton_exact, then
 *                                inet_pton AF_INET6 with the "%scope" cut
 *                                off), printed by inet_ntop; "invalid" if
 *                                glibc would skip the line.
 *
 * Reading the servers: res_init keeps at most MAXNS; an IPv4 server is in
 * nsaddr_list[i]; an IPv6 one leaves nsaddr_list[i].sin_family at 0 and sits
 * in _u._ext.nsaddrs[i] (glibc 2.36 resolv/resolv_conf.c update_from_conf,
 * read back the same way by resolv/res-state __res_get_nsaddr).
 *
 * Loopback, as resolv-fix.sh defines it: 127.0.0.0/8 and 0.0.0.0; ::1, ::,
 * and IPv4-mapped 127.0.0.0/8.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

static int is_loopback4(const struct in_addr *a) {
  uint32_t h = ntohl(a->s_addr);
  return (h >> 24) == 127 || h == 0;
}

static int is_loopback6(const struct in6_addr *a) {
  if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a)) return 1;
  return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

static int print_servers(void) {
  struct __res_state st;
  memset(&st, 0, sizeof st);
  if (res_ninit(&st) != 0) {
    fprintf(stderr, "glibc-nameservers: res_ninit failed\n");
    return 4;
  }
  char text[INET6_ADDRSTRLEN];
  for (int i = 0; i < st.nscount; i++) {
    if (st.nsaddr_list[i].sin_family == 0 && st._u._ext.nsaddrs[i] != NULL) {
      const struct in6_addr *a6 = &st._u._ext.nsaddrs[i]->sin6_addr;
      inet_ntop(AF_INET6, a6, text, sizeof text);
      printf("%s %s\n", text, is_loopback6(a6) ? "loopback" : "remote");
    } else {
      const struct in_addr *a4 = &st.nsaddr_list[i].sin_addr;
      inet_ntop(AF_INET, a4, text, sizeof text);
      printf("%s %s\n", text, is_loopback4(a4) ? "loopback" : "remote");
    }
  }
  res_nclose(&st);
  return 0;
}

/* inet_aton_exact is internal to glibc; inet_aton plus a check that the
 * whole text was consumed is the same test for text without blanks (res_init
 * cuts the value at the first blank): inet_aton stops at the first blank, so
 * a value without one is accepted only when fully parsed. */
static int aton_exact(const char *s, struct in_addr *a) {
  if (strpbrk(s, " \t\n\v\f\r") != NULL) return 0;
  return inet_aton(s, a) != 0;
}

static void print_canon(const char *value) {
  char text[INET6_ADDRSTRLEN];
  struct in_addr a4;
  struct in6_addr a6;
  if (aton_exact(value, &a4)) {
    printf("%s\n", inet_ntop(AF_INET, &a4, text, sizeof text));
    return;
  }
  char *copy = strdup(value);
  if (copy == NULL) exit(4);
  char *scope = strchr(copy, '%');
  if (scope != NULL) *scope = '\0';
  if (inet_pton(AF_INET6, copy, &a6) > 0)
    printf("%s\n", inet_ntop(AF_INET6, &a6, text, sizeof text));
  else
    printf("invalid\n");
  free(copy);
}

/* What unshare --mount --propagation private, then mount --bind FILE
 * /etc/resolv.conf and env -i, do (util-linux: unshare makes "/" private
 * recursively so that the bind mount stays in this namespace). */
static int view(const char *file) {
  if (unshare(CLONE_NEWNS) != 0) {
    perror("glibc-nameservers: unshare");
    return 4;
  }
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
      mount(file, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0) {
    perror("glibc-nameservers: mount");
    return 4;
  }
  if (clearenv() != 0) return 4;
  return print_servers();
}

int main(int argc, char **argv) {
  if (argc == 1) return print_servers();
  if (argc == 3 && strcmp(argv[1], "view") == 0) return view(argv[2]);
  if (strcmp(argv[1], "canon") == 0) {
    for (int i = 2; i < argc; i++) print_canon(argv[i]);
    return 0;
  }
  fprintf(stderr, "usage: glibc-nameservers [view FILE | canon ADDR...]\n");
  return 2;
}
