// SPDX-License-Identifier: GPL-2.0
/*
 * nblcap - count and hash the frames of one interface, for the test VM
 * (scripts/vm-test.sh), which has no tcpdump. Static userspace program.
 *
 *   nblcap -i IFNAME [-c COUNT] [-w IDLE_MS] [-d in|out|all] [-e TYPE|all]
 *          [-r READYFILE]
 *
 * Opens an AF_PACKET socket bound to IFNAME with a large receive buffer,
 * creates READYFILE (empty) once the socket is bound, and captures until
 * COUNT frames were counted, IDLE_MS milliseconds passed without a counted
 * frame (default 3000; the idle clock runs before the first frame too), or
 * SIGINT/SIGTERM. -d in counts only frames that were not sent by this host
 * (sll_pkttype != PACKET_OUTGOING), -d out only those sent by it, -d all
 * (default) both. -e TYPE counts only frames whose EtherType, under up to
 * two VLAN tags, is TYPE (0x0800, or decimal): a test's own flow, not the
 * ARP or neighbour traffic that the stack sends when it likes; -e all
 * (default) counts every frame. Frames not counted for their type are
 * tallied in `other`. It then prints one line:
 *
 *   frames=N bytes=B hash=0x%016llx drops=D minlen=L maxlen=M other=O
 *
 * A VLAN tag that the kernel keeps out of band (an accelerated tag, given in
 * PACKET_AUXDATA) is put back in the frame after its MAC addresses, as
 * libpcap does, so a frame hashes the same whether its tag was accelerated
 * or in-band on the way.
 *
 * bytes is the sum of the frames' full lengths (MAC header included); hash
 * is the wrapping 64-bit sum over the frames of FNV-1a-64 of each frame's
 * bytes, so it does not depend on their order; drops is tp_drops of
 * PACKET_STATISTICS; minlen and maxlen are 0 without a frame. Exits 0, or
 * 2 on a usage error and 1 on a system error, with a message on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

/* Room for 64 KiB frames and GSO super-frames seen on a sending side. */
#define NBLCAP_BUF_SIZE		(256 * 1024)
/*
 * The kernel doubles it, and charges a 9000-byte frame about 16.6 KiB: a
 * reader that does not get the CPU during a burst of 10,000 such frames
 * still loses none (64 MiB held 8066 of them).
 */
#define NBLCAP_RCVBUF		(128 * 1024 * 1024)
#define NBLCAP_IDLE_MS		3000

#define VLAN_HLEN		4
#define ETH_ADDRS_LEN		(2 * ETH_ALEN)

#define FNV1A64_OFFSET		0xcbf29ce484222325ULL
#define FNV1A64_PRIME		0x100000001b3ULL

enum nblcap_dir { DIR_ALL, DIR_IN, DIR_OUT };

/* A frame, with room in front to put its out-of-band VLAN tag back. */
static unsigned char frame[VLAN_HLEN + NBLCAP_BUF_SIZE];

static const char nblcap_usage[] =
	"usage: nblcap -i IFNAME [-c COUNT] [-w IDLE_MS] [-d in|out|all] [-e TYPE|all]\n"
	"              [-r READYFILE]\n";

static void usage(void)
{
	fputs(nblcap_usage, stderr);
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "nblcap: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A decimal number in [min, max], or a usage error. */
static unsigned long long parse_num(const char *opt, const char *s,
				    unsigned long long min,
				    unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max) {
		fprintf(stderr, "nblcap: %s: bad number '%s'\n", opt, s);
		usage();
	}
	return v;
}

/* The EtherType under up to two VLAN tags; 0 for a frame too short. */
static unsigned int frame_type(const unsigned char *p, size_t len)
{
	size_t off = ETH_ADDRS_LEN;
	unsigned int type;
	int tags;

	for (tags = 0;; tags++) {
		if (len < off + 2)
			return 0;
		type = (unsigned int)p[off] << 8 | p[off + 1];
		if (tags == 2 || (type != ETH_P_8021Q && type != ETH_P_8021AD))
			return type;
		off += VLAN_HLEN;
	}
}

/* -e: a 16-bit EtherType in hex (0x...) or decimal; 0 for all. */
static unsigned int parse_type(const char *s)
{
	unsigned long v;
	char *end;

	if (!strcmp(s, "all"))
		return 0;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v < ETH_P_802_3_MIN ||
	    v > 0xffff) {
		fprintf(stderr, "nblcap: -e: bad EtherType '%s'\n", s);
		usage();
	}
	return (unsigned int)v;
}

static unsigned long long fnv1a64(const unsigned char *p, size_t len)
{
	unsigned long long h = FNV1A64_OFFSET;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV1A64_PRIME;
	}
	return h;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A socket that sees IFNAME only: no protocol until bind(). */
static int open_socket(const char *ifname, enum nblcap_dir dir)
{
	struct sockaddr_ll sll;
	unsigned int ifindex;
	int one = 1;
	int sz = NBLCAP_RCVBUF;
	int fd;

	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "nblcap: no interface '%s'\n", ifname);
		exit(1);
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		die("socket(AF_PACKET)");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)))
		die("SO_RCVBUF");
	/* Only an optimisation: the direction is checked per frame too. */
	if (dir == DIR_IN)
		setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
			   sizeof(one));

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
		die("PACKET_AUXDATA");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");
	return fd;
}

/* SIGINT and SIGTERM as a descriptor that poll() watches. */
static int open_signalfd(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		die("sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		die("signalfd");
	return fd;
}

/*
 * One queued frame, its accelerated VLAN tag (if any) put back in: *@p
 * points at it in frame[]. Returns its full length (which may be more than
 * was read), or -1 when nothing is queued.
 */
static ssize_t recv_frame(int fd, struct sockaddr_ll *from, unsigned char **p)
{
	char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	struct iovec iov = {
		.iov_base = frame + VLAN_HLEN,
		.iov_len = NBLCAP_BUF_SIZE,
	};
	struct msghdr msg = {
		.msg_name = from,
		.msg_namelen = sizeof(*from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	const struct tpacket_auxdata *aux = NULL;
	struct cmsghdr *c;
	__be16 tag[2];
	ssize_t len;

	for (;;) {
		len = recvmsg(fd, &msg, MSG_TRUNC | MSG_DONTWAIT);
		if (len >= 0)
			break;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -1;
		if (errno != EINTR)
			die("recvmsg");
	}
	*p = frame + VLAN_HLEN;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
			aux = (const struct tpacket_auxdata *)CMSG_DATA(c);
	if (!aux || !(aux->tp_status & TP_STATUS_VLAN_VALID) ||
	    len < ETH_ADDRS_LEN)
		return len;
	tag[0] = htons(aux->tp_status & TP_STATUS_VLAN_TPID_VALID ?
		       aux->tp_vlan_tpid : ETH_P_8021Q);
	tag[1] = htons(aux->tp_vlan_tci);
	memmove(frame, frame + VLAN_HLEN, ETH_ADDRS_LEN);
	memcpy(frame + ETH_ADDRS_LEN, tag, VLAN_HLEN);
	*p = frame;
	return len + VLAN_HLEN;
}

int main(int argc, char **argv)
{
	unsigned long long count = 0, idle_ms = NBLCAP_IDLE_MS;
	unsigned long long frames = 0, bytes = 0, hash = 0;
	unsigned long long minlen = 0, maxlen = 0, truncated = 0, other = 0;
	const char *ifname = NULL, *ready = NULL;
	enum nblcap_dir dir = DIR_ALL;
	unsigned int type = 0;
	struct tpacket_stats st;
	socklen_t stlen = sizeof(st);
	struct pollfd pfd[2];
	long long deadline;
	int done = 0;
	int fd, opt;

	while ((opt = getopt(argc, argv, "i:c:w:d:e:r:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'c':
			count = parse_num("-c", optarg, 1, ULLONG_MAX);
			break;
		case 'w':
			idle_ms = parse_num("-w", optarg, 0, INT_MAX);
			break;
		case 'd':
			if (!strcmp(optarg, "in"))
				dir = DIR_IN;
			else if (!strcmp(optarg, "out"))
				dir = DIR_OUT;
			else if (!strcmp(optarg, "all"))
				dir = DIR_ALL;
			else
				usage();
			break;
		case 'e':
			type = parse_type(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (!ifname || optind != argc)
		usage();

	pfd[1].fd = open_signalfd();
	pfd[1].events = POLLIN;
	fd = open_socket(ifname, dir);
	pfd[0].fd = fd;
	pfd[0].events = POLLIN;
	if (ready) {
		int rfd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			       0644);

		if (rfd < 0 || close(rfd))
			die(ready);
	}

	deadline = now_ms() + (long long)idle_ms;
	while (!done) {
		long long left = deadline - now_ms();
		int n;

		if (left <= 0)
			break;
		n = poll(pfd, 2, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[1].revents)
			break;
		if (!n)
			continue;
		/* Drain what is queued, then wait again. */
		for (;;) {
			struct sockaddr_ll from;
			unsigned char *p;
			ssize_t len;
			size_t got;

			len = recv_frame(fd, &from, &p);
			if (len < 0)
				break;
			if (dir == DIR_IN && from.sll_pkttype == PACKET_OUTGOING)
				continue;
			if (dir == DIR_OUT && from.sll_pkttype != PACKET_OUTGOING)
				continue;
			got = (size_t)len;
			if (got > NBLCAP_BUF_SIZE)
				got = NBLCAP_BUF_SIZE;
			if (type && frame_type(p, got) != type) {
				other++;
				continue;
			}
			if (got < (size_t)len)
				truncated++;
			deadline = now_ms() + (long long)idle_ms;
			frames++;
			bytes += (unsigned long long)len;
			hash += fnv1a64(p, got);
			if (!minlen || (unsigned long long)len < minlen)
				minlen = (unsigned long long)len;
			if ((unsigned long long)len > maxlen)
				maxlen = (unsigned long long)len;
			if (count && frames >= count) {
				done = 1;
				break;
			}
		}
	}

	memset(&st, 0, sizeof(st));
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &stlen))
		die("PACKET_STATISTICS");
	if (truncated)
		fprintf(stderr,
			"nblcap: %llu frames longer than %zu bytes, hashed truncated\n",
			truncated, (size_t)NBLCAP_BUF_SIZE);
	printf("frames=%llu bytes=%llu hash=0x%016llx drops=%u ",
	       frames, bytes, hash, st.tp_drops);
	printf("minlen=%llu maxlen=%llu other=%llu\n", minlen, maxlen, other);
	if (fflush(stdout))
		die("stdout");
	return 0;
}
