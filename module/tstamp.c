// SPDX-License-Identifier: GPL-2.0
/*
 * pktlife hardware timestamps.
 *
 * The NIC stamps every frame: the TX engine writes the time the frame left
 * into its EOP descriptor, the RX engine the time it arrived into every RX
 * descriptor of the frame.  The driver hands them to the stack only when
 * asked (SIOCSHWTSTAMP): RX stamps on every skb in skb_hwtstamps(), TX
 * stamps through skb_tstamp_tx() on completion, for skbs that asked.
 *
 * The NIC's clock is the host's CLOCK_MONOTONIC and there is no PTP
 * hardware clock (ethtool -T: PTP Hardware Clock: none).
 */
#include <linux/net_tstamp.h>

#include "pktlife.h"

/* ethtool -T */
int pl_get_ts_info(struct net_device *dev, struct pl_ts_info *info)
{
	info->so_timestamping = SOF_TIMESTAMPING_TX_HARDWARE |
				SOF_TIMESTAMPING_RX_HARDWARE |
				SOF_TIMESTAMPING_RAW_HARDWARE |
				SOF_TIMESTAMPING_TX_SOFTWARE |
				SOF_TIMESTAMPING_RX_SOFTWARE |
				SOF_TIMESTAMPING_SOFTWARE;
	info->phc_index = -1;
	info->tx_types = BIT(HWTSTAMP_TX_OFF) | BIT(HWTSTAMP_TX_ON);
	info->rx_filters = BIT(HWTSTAMP_FILTER_NONE) | BIT(HWTSTAMP_FILTER_ALL);
	return 0;
}

void pl_hwtstamp_get(struct net_device *dev, int *tx_type, int *rx_filter)
{
	struct pl_priv *priv = netdev_priv(dev);

	*tx_type = priv->ts_tx ? HWTSTAMP_TX_ON : HWTSTAMP_TX_OFF;
	*rx_filter = priv->ts_rx ? HWTSTAMP_FILTER_ALL : HWTSTAMP_FILTER_NONE;
}

/*
 * Under RTNL.  The NIC stamps every frame, so any RX filter but NONE is
 * served as ALL, and *rx_filter says so.
 */
int pl_hwtstamp_set(struct net_device *dev, int *tx_type, int *rx_filter,
		    struct netlink_ext_ack *extack)
{
	struct pl_priv *priv = netdev_priv(dev);

	switch (*tx_type) {
	case HWTSTAMP_TX_OFF:
	case HWTSTAMP_TX_ON:
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "TX timestamps are off or on");
		return -ERANGE;
	}
	if (*rx_filter != HWTSTAMP_FILTER_NONE)
		*rx_filter = HWTSTAMP_FILTER_ALL;
	/* the datapath reads them without RTNL: a packet may see either */
	WRITE_ONCE(priv->ts_tx, *tx_type == HWTSTAMP_TX_ON);
	WRITE_ONCE(priv->ts_rx, *rx_filter == HWTSTAMP_FILTER_ALL);
	return 0;
}

/* RX: the arrival time the NIC wrote, if the user asked for it. */
void pl_rx_hwtstamp(struct pl_queue *q, struct sk_buff *skb, u64 tstamp)
{
	if (READ_ONCE(q->priv->ts_rx))
		skb_hwtstamps(skb)->hwtstamp = ns_to_ktime(tstamp);
}

/* TX, in ndo_start_xmit: will this skb get a hardware stamp? */
bool pl_tx_hwtstamp_request(struct pl_queue *q, struct sk_buff *skb)
{
	if (likely(!(skb_shinfo(skb)->tx_flags & SKBTX_HW_TSTAMP)) ||
	    !READ_ONCE(q->priv->ts_tx))
		return false;
	/* the stack now leaves the stamp to us, and skips its software one */
	skb_shinfo(skb)->tx_flags |= SKBTX_IN_PROGRESS;
	return true;
}

/* TX completion: the time the (last segment of the) frame left. */
void pl_tx_hwtstamp_complete(struct sk_buff *skb, u64 tstamp)
{
	struct skb_shared_hwtstamps hwts = {
		.hwtstamp = ns_to_ktime(tstamp),
	};

	skb_tstamp_tx(skb, &hwts);
}
