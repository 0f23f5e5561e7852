#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Link settings (ethtool DEV, ethtool -s): the NIC's PHYs negotiate.
#   default        both ends negotiate, advertising 1G/10G/25G/100G: the
#                  link comes up at 100000 Mb/s full duplex
#   advertise      plb advertises 25G only (ethtool -s speed 25000 autoneg
#                  on): both ends at 25000, pla sees plb's advertisement
#   parallel det.  pla forced to 10000, plb negotiating: up at 10000
#   forced, mismatch  10000 against 1000: no link, no ping, and ethtool
#                  says why ("Autoneg, No partner detected during force
#                  mode")
#   no common      advertisements without a common speed: no link
#   cable          pla's end pulled out (debugfs cable 0): pla "No cable",
#                  plb "Autoneg, No partner detected"; plugged back, ping
#   refused        a speed the PHY lacks, half duplex
source "$(dirname "$0")/lib.sh"

IPA=10.0.67.1
IPB=10.0.67.2

require_root
require_cmd ip ethtool ping
pl_load

ktap_plan 7

setup_ns NSA NSB || exit $KSFT_FAIL
pl_pair_quiet "$NSA" pla $IPA "$NSB" plb $IPB || exit $KSFT_FAIL

# field NS DEV NAME: a "Name: value" line of ethtool DEV
field()
{
	ip netns exec "$1" ethtool "$2" | awk -F': ' -v n="$3" '
		{ sub(/^[ \t]+/, "") } $1 == n { print $2; exit }'
}

# modes NS DEV SECTION: the link modes of a section of ethtool DEV
modes()
{
	ip netns exec "$1" ethtool "$2" | awk -v s="$3:" '
		on && /^\t[A-Za-z]/ { on = 0 }
		index($0, s) { on = 1; sub(".*" s, "") }
		on { for (i = 1; i <= NF; i++) print $i }' | paste -sd' '
}

carrier() # NS DEV: 1 with carrier
{
	ip netns exec "$1" cat "/sys/class/net/$2/carrier"
}

ping_ok()
{
	ip netns exec "$NSA" ping -q -c 2 -i 0.2 -W 2 $IPB >/dev/null
}

# is_carrier NS DEV 0|1 / is_speed NS DEV SPEED: for slowwait
is_carrier()
{
	[ "$(carrier "$1" "$2")" = "$3" ]
}

is_speed()
{
	[ "$(field "$1" "$2" Speed)" = "$3" ]
}

both_speeds() # "SPEED_A SPEED_B" once the link has settled
{
	echo "$(field "$NSA" pla Speed) $(field "$NSB" plb Speed)"
}

RET=0
check_eq "$(modes "$NSA" pla 'Supported link modes')" \
	"1000baseT/Full 10000baseT/Full 25000baseCR/Full 100000baseCR4/Full" "supported link modes"
check_eq "$(field "$NSA" pla Speed)" 100000Mb/s "speed"
check_eq "$(field "$NSA" pla Duplex)" Full "duplex"
check_eq "$(field "$NSA" pla Auto-negotiation)" on "autoneg"
check_eq "$(field "$NSA" pla 'Link detected')" yes "link"
ping_ok
check_err $? "ping"
log_test "default: autoneg, every speed advertised, link at 100000 Mb/s full duplex"

RET=0
ip netns exec "$NSB" ethtool -s plb speed 25000 autoneg on
check_err $? "ethtool -s plb speed 25000 autoneg on"
slowwait 5 is_speed "$NSA" pla 25000Mb/s
check_eq "$(both_speeds)" "25000Mb/s 25000Mb/s" "speeds of pla and plb"
check_eq "$(modes "$NSB" plb 'Advertised link modes')" 25000baseCR/Full "plb advertises"
check_eq "$(modes "$NSA" pla 'Link partner advertised link modes')" 25000baseCR/Full "pla sees"
ping_ok
check_err $? "ping at 25000"
log_test "advertise: the highest speed both advertise (25000), the partner's advertisement seen"

RET=0
ip netns exec "$NSA" ethtool -s pla speed 10000 autoneg off
check_err $? "ethtool -s pla speed 10000 autoneg off"
slowwait 5 is_speed "$NSB" plb 10000Mb/s
check_eq "$(both_speeds)" "10000Mb/s 10000Mb/s" "speeds"
check_eq "$(field "$NSA" pla Auto-negotiation)" off "pla autoneg"
ping_ok
check_err $? "ping"
log_test "parallel detection: pla forced to 10000, plb negotiating: up at 10000"

RET=0
ip netns exec "$NSB" ethtool -s plb speed 1000 autoneg off
check_err $? "ethtool -s plb speed 1000 autoneg off"
slowwait 5 is_carrier "$NSA" pla 0
check_eq "$(carrier "$NSA" pla) $(carrier "$NSB" plb)" "0 0" "carrier of pla and plb"
check_eq "$(field "$NSA" pla 'Link detected')" "no (Autoneg, No partner detected during force mode)" "pla link"
ping_ok
check_fail $? "ping without a link"
ip netns exec "$NSB" ethtool -s plb speed 10000 autoneg off
slowwait 5 is_carrier "$NSA" pla 1
ping_ok
check_err $? "ping once both are at 10000"
log_test "forced 10000 against 1000: no link, and ethtool says why; same speed: up"

RET=0
ip netns exec "$NSA" ethtool -s pla speed 1000 autoneg on
ip netns exec "$NSB" ethtool -s plb speed 25000 autoneg on
slowwait 5 is_carrier "$NSA" pla 0
check_eq "$(carrier "$NSA" pla)" 0 "pla carrier"
check_eq "$(field "$NSA" pla 'Link detected' | cut -d, -f1)" "no (Autoneg" "pla link"
check_eq "$(modes "$NSA" pla 'Link partner advertised link modes')" 25000baseCR/Full "pla sees"
log_test "negotiating without a common speed: no link"

RET=0
ip netns exec "$NSA" ethtool -s pla speed 100000 autoneg on
ip netns exec "$NSB" ethtool -s plb speed 100000 autoneg on
slowwait 5 is_carrier "$NSA" pla 1
dbg=$(pl_dbg_dir "$NSA" pla) || { echo "# no debugfs for pla"; exit $KSFT_FAIL; }
echo 0 >"$dbg/cable"
slowwait 5 is_carrier "$NSA" pla 0
check_eq "$(field "$NSA" pla 'Link detected')" "no (No cable)" "pla link"
check_eq "$(field "$NSB" plb 'Link detected')" "no (Autoneg, No partner detected)" "plb link"
echo 1 >"$dbg/cable"
slowwait 5 is_carrier "$NSA" pla 1
ping_ok
check_err $? "ping with the cable back"
log_test "cable pulled out: No cable / No partner detected; plugged back: ping"

RET=0
ip netns exec "$NSA" ethtool -s pla speed 40000 autoneg off 2>/dev/null
check_fail $? "a speed the PHY lacks accepted"
ip netns exec "$NSA" ethtool -s pla speed 10000 duplex half autoneg off 2>/dev/null
check_fail $? "half duplex accepted"
check_eq "$(field "$NSA" pla Auto-negotiation) $(field "$NSA" pla Speed)" "on 100000Mb/s" "pla after the refusals"
log_test "refused: speeds the PHY lacks, half duplex"

ktap_finish
