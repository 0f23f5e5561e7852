/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Toeplitz hash of the RSS engine, as the RSS specification defines
 * it: each set bit of the input, from the most significant bit of its
 * first byte on, XORs into the result the 32 bits of the key that start
 * at that bit's position.
 *
 * It includes nothing and uses only u8 and u32, so that a user-space unit
 * test (selftests/toeplitz_test.c) builds this very code and checks it
 * against the specification's verification vectors.
 */
#ifndef _PLHW_TOEPLITZ_H
#define _PLHW_TOEPLITZ_H

/**
 * plhw_toeplitz() - the Toeplitz hash of @in with @key
 * @key: the secret key, @key_len bytes
 * @key_len: at least @len + 4, or the missing key bits count as 0
 * @in: the input: source address, destination address, and, for TCP and
 *	UDP, source and destination port, all as on the wire
 * @len: its length in bytes
 *
 * Return: the 32-bit hash.
 */
static inline u32 plhw_toeplitz(const u8 *key, unsigned int key_len,
				const u8 *in, unsigned int len)
{
	u32 hash = 0, win = 0;
	unsigned int i, b;

	/* the key's first 32 bits, then one more bit per input bit */
	for (i = 0; i < 4; i++)
		win = (win << 8) | (i < key_len ? key[i] : 0);
	for (i = 0; i < len; i++) {
		u8 next = i + 4 < key_len ? key[i + 4] : 0;

		for (b = 0; b < 8; b++) {
			if (in[i] & (0x80 >> b))
				hash ^= win;
			win = (win << 1) | ((next >> (7 - b)) & 1);
		}
	}
	return hash;
}

#endif /* _PLHW_TOEPLITZ_H */
