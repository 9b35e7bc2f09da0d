/*
 * -sf/-st without -x: this instance binds beside the old one in one
 * SO_REUSEPORT group, and the kernel would keep handing the old sockets
 * their share of new connections until the old instance closes them,
 * resetting whatever is queued there then. A program attached to the group
 * sends every new connection to one of this instance's sockets instead.
 *
 * The good program is eBPF: a REUSEPORT_SOCKARRAY map holds our sockets
 * and the program picks one at random with bpf_sk_select_reuseport(), so
 * the choice never depends on where a socket sits in the group. Classic
 * BPF can only return an index into the group's array, and the kernel
 * fills the hole an old socket leaves with the group's last socket: our
 * indexes drift out of range while old sockets are still listening, the
 * kernel falls back to its hash, and a connection can land on an old
 * socket about to close. That is the fallback for kernels or sandboxes
 * that refuse eBPF (it needs CAP_BPF or root, as the master has).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "weir/log.h"
#include "weir/util.h"
#include "master-int.h"

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int sockarray_new(const int *fds, int n)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_REUSEPORT_SOCKARRAY;
	a.key_size = sizeof(uint32_t);
	a.value_size = sizeof(uint64_t);
	a.max_entries = (uint32_t)n;
	int map = (int)sys_bpf(BPF_MAP_CREATE, &a);
	if (map < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		uint32_t key = (uint32_t)i;
		uint64_t fd = (uint64_t)fds[i];
		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)map;
		a.key = (uint64_t)(uintptr_t)&key;
		a.value = (uint64_t)(uintptr_t)&fd;
		a.flags = BPF_ANY;
		if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a) < 0) {
			int e = errno;
			close(map);
			errno = e;
			return -1;
		}
	}
	return map;
}

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
						.off = (o), .imm = (i) })

/* key = random % n; bpf_sk_select_reuseport(ctx, map, &key, 0); pass. If
 * the selection fails the kernel falls back to its hash, as without us. */
static int prog_new(int map, int n)
{
	struct bpf_insn code[] = {
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_prandom_u32),
		INSN(BPF_ALU | BPF_MOD | BPF_K, BPF_REG_0, 0, 0, n),
		INSN(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_0, -4, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0),
		INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD, 0, map),
		INSN(0, 0, 0, 0, 0),
		INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -4),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0),
		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_sk_select_reuseport),
		INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, SK_PASS),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SK_REUSEPORT;
	a.insns = (uint64_t)(uintptr_t)code;
	a.insn_cnt = ARRAY_SIZE(code);
	a.license = (uint64_t)(uintptr_t)"MIT";
	return (int)sys_bpf(BPF_PROG_LOAD, &a);
}

static int steer_ebpf(const int *fds, int n)
{
	int map = sockarray_new(fds, n);
	if (map < 0)
		return -1;
	int prog = prog_new(map, n);
	int e = errno, rc = -1;
	if (prog >= 0) {
		/* the group holds the program, the program the map */
		rc = setsockopt(fds[0], SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, &prog, sizeof(prog));
		e = errno;
		close(prog);
	}
	close(map);
	errno = e;
	return rc;
}

/* Our sockets joined the group after the old ones: indexes n_old .. */
static int steer_cbpf(int fd, int n_old, int n_new)
{
	struct sock_filter code[] = {
		{ BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(SKF_AD_OFF + SKF_AD_RANDOM) },
		{ BPF_ALU | BPF_MOD | BPF_K, 0, 0, (uint32_t)n_new },
		{ BPF_ALU | BPF_ADD | BPF_K, 0, 0, (uint32_t)n_old },
		{ BPF_RET | BPF_A, 0, 0, 0 },
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(code), .filter = code };
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog));
}

void steer_to_new(const int *fds, int n_old, int n_new)
{
	if (steer_ebpf(fds, n_new) == 0)
		return;
	int e = errno;
	if (steer_cbpf(fds[0], n_old, n_new) == 0) {
		log_say(LOG_LVL_WARNING, "cannot load the eBPF program that steers new connections "
			"to this instance (%s); a classic one does it, but a connection may still "
			"be reset as the old instance exits; use -x to avoid it", strerror(e));
		return;
	}
	log_say(LOG_LVL_WARNING, "cannot steer new connections away from the old instance "
		"(%s): some may be reset when it exits; use -x to avoid it", strerror(errno));
}
