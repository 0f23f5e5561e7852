/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pktlife compat: the one place where kernel-version differences live.
 *
 * The driver is written against the newest supported kernel (6.12); this
 * header gives older ones (6.1) the same spelling.  Nothing else in the
 * driver tests LINUX_VERSION_CODE.
 */
#ifndef _PKTLIFE_COMPAT_H
#define _PKTLIFE_COMPAT_H

#include <linux/version.h>

#endif /* _PKTLIFE_COMPAT_H */
