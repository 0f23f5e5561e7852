/* SPDX-License-Identifier: GPL-2.0 */
/*
 * life.bpf.c, part: the constants, the settings (rodata) and the maps.
 * Included by life.bpf.c only, after the parts before it (see there).
 */
#ifndef __PKTLIFE_LIFE_MAPS_BPF_H
#define __PKTLIFE_LIFE_MAPS_BPF_H

#define AF_INET		2
#define AF_INET6	10
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMPV6_	58

/* settings, through the skeleton's rodata */
/*
 * PKTLIFE_BENCH_EMPTY=1 (bench/guest.sh): every program attached as usual
 * returns at once, so that the bench can tell what entering the hooks
 * costs from what their bodies do.  The verifier prunes the test: with 0
 * the programs are what they would be without it.
 */
const volatile __u8 bench_empty = 0;
const volatile __u32 targ_ifindex = 0;
const volatile __u32 targ_netns = 0;
const volatile __u8 targ_dir = 0;	/* 0 both, 1 + enum life_dir */
const volatile __u8 targ_proto = 0;
const volatile __u8 targ_family = 0;
const volatile __u8 targ_has_saddr = 0;
const volatile __u8 targ_has_daddr = 0;
const volatile __u8 targ_has_host = 0;
const volatile __u32 targ_saddr[4] = {};
const volatile __u32 targ_daddr[4] = {};
const volatile __u32 targ_host[4] = {};
const volatile __u16 targ_sport = 0;
const volatile __u16 targ_dport = 0;
const volatile __u16 targ_port = 0;
const volatile __u32 trace_sample = 0;	/* 0: no trace; N: 1 in N */

/*
 * Preallocated: a journey begins on one CPU (the poll's) and often ends on
 * another (the reader's), and on 6.1 the allocator of a map that is not
 * preallocated ran out of elements on the first while the second's cache
 * filled (lost_map under a UDP flood); a preallocated map takes a free
 * element from any CPU, and costs no allocation per skb.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LIFE_MAX_ITEMS);
	__type(key, struct life_key);
	__type(value, struct life_item);
} items SEC(".maps");

/*
 * Departures are an array indexed by LIFE_FRAME_SLOT() of the frame id,
 * not a hash: a departure is written once and read once, and an array
 * element costs neither a bucket lock nor an allocation (an LRU update
 * cost more than all the rest of a hook).  A slot says whose it is with
 * its tag (frame id + 1), cleared while it is written: a reader that finds
 * the same tag before and after copying got one frame's values, as x86
 * keeps stores in program order.
 */
/* departure time per frame, a cache: losing one only loses a wire stage */
struct depart {
	__u64 tag;
	__u64 t;		/* the NIC's departure timestamp */
	__u32 cpu;		/* where the NIC sent it */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LIFE_MAX_FRAMES);
	__type(key, __u32);
	__type(value, struct depart);
} departs SEC(".maps");

/*
 * Per NIC port (bus id): PORT_UNWANTED once on_rx_skb() saw its device
 * filtered out, for the frames it misses (on_rx_missed()).
 */
#define PORT_UNWANTED	1

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u8);
} port_state SEC(".maps");

/* the latest sendmsg() calls per TCP socket: (first seq, time) */
#define SEND_LOG	8
struct send_log {
	__u32 n;
	__u32 seq[SEND_LOG];
	__u64 t[SEND_LOG];
};

/* LRU: a socket that goes away unseen only ages out */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct send_log);
} tcp_sends SEC(".maps");

/* a sendmsg() in progress, per thread: when, and on which socket */
struct send_call {
	__u64 t;
	__u64 sk;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct send_call);
} sends SEC(".maps");

/*
 * skbs a filter rejected, so that the next hook does not start them again
 * (and count them twice); an LRU, as forgetting one only costs a recount.
 * An answer holds for one pass of an skb through one direction's path and
 * is forgotten where that pass ends (reject_forget()): the skb's address
 * and its head are soon another packet's, the slab hands back the struct
 * and the head freed last on the CPU, and a late-starting skb (an ICMP
 * reply, a TCP reset, ARP) would be taken for the rejected one. The value
 * is the skb's head: a guard for an skb freed where no hook sees it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct life_key);
	__type(value, __u64);
} rejected SEC(".maps");

/*
 * Set at the first rejection, never cleared: until then "rejected" is
 * empty and is not looked up.  Without a flow filter and with room in the
 * maps, that is the whole run, and every hook, the frees of every skb of
 * the system among them, saves a hash lookup per direction.
 */
__u8 rejected_any = 0;

/* what one hook hands to the next on the same CPU */
struct handoff {
	__u64 sk;		/* __tcp_transmit_skb -> __ip_queue_xmit */
	__u64 t_origin;
	__u64 t_tcp;
	__u64 merged_skb;	/* skb_gro_receive -> pl_rx_gro */
	__u64 merged_head;
	__u32 merged_group;
	__u32 pad;
	__u64 arg0, arg1;	/* kprobe -> kretprobe */
	__u32 fn;		/* whose arguments: enum kret_fn */
	__u32 pad2;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct handoff);
} handoffs SEC(".maps");

/*
 * The groups beyond the first of merged skbs' items, under the item's key;
 * fewer than items: only GRO and coalescing make them, and an skb that
 * finds no room keeps its frames in its first group (folded).
 */
#define LIFE_MAX_MERGED		8192

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LIFE_MAX_MERGED);
	__type(key, struct life_key);
	__type(value, struct life_groups);
} groups SEC(".maps");

/* all zeroes, never written: the templates of a new item, new groups */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct life_item);
} zero_item SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct life_groups);
} zero_groups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LIFE_HIST_MAX);
	__type(key, __u32);
	__type(value, struct life_hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LIFE_ACCT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} acct SEC(".maps");

/* drops per (direction << 31 | reason), in frames */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

__u64 trace_seq = 0;

#endif /* __PKTLIFE_LIFE_MAPS_BPF_H */
