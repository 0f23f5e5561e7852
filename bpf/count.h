/* SPDX-License-Identifier: GPL-2.0 */
/*
 * count: per-(ifindex, direction) packet and byte counters.
 *
 * The contract between count.bpf.c and the pktlife tool. It includes
 * nothing on purpose: the BPF side gets __u32/__u64 from vmlinux.h, user
 * space from <linux/types.h>, and the two must not be mixed.
 */
#ifndef __PKTLIFE_COUNT_H
#define __PKTLIFE_COUNT_H

/*
 * Enough for every device of a busy host; a key that does not fit is
 * counted in the "dropped" global of count.bpf.c, so a full map is
 * visible to the user rather than silently under-counting.
 */
#define COUNT_MAX_ENTRIES	4096

enum count_dir {
	COUNT_DIR_RX = 0,	/* net:netif_receive_skb */
	COUNT_DIR_TX = 1,	/* net:net_dev_xmit, rc == NETDEV_TX_OK */
	COUNT_DIR_MAX,
};

struct count_key {
	__u32 ifindex;
	__u32 dir;		/* enum count_dir */
};

/* Per-CPU value: summed over the CPUs by user space, no atomics needed. */
struct count_val {
	__u64 packets;
	__u64 bytes;
};

#endif /* __PKTLIFE_COUNT_H */
