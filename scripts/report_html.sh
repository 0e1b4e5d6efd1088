#!/usr/bin/env bash
# scripts/report_html.sh: the province report as one self-contained HTML page.
#   scripts/report_html.sh DB OUT.html T_FROM T_TO
# Runs demo/report.sql on database DB (the server from the PG* environment
# variables) for the period [T_FROM, T_TO) (timestamptz, as scripts/demo.sh
# passes them to demo/dashboard.sql) and writes OUT.html: the page
# demo/report.template.html with its placeholder replaced by that JSON.
# The page holds the data of every unit it lets one select (the province,
# each department and centre: scorecards, stuck procedures, time reduction,
# officers' cards, fees and receipts), so it needs no server; on the demo's year of 1 M dossiers
# that is ~0.6 MB, and demo/report.sql takes about a minute, mostly in
# tthc.scorecard_unit and tthc.stuck_procedures, once per unit.  So it runs
# in two sessions at once (REPORT_SESSIONS=2, the default: psql variable part
# 1 in one, the scorecards and the rest; 2 in the other, the stuck procedures,
# the time reduction, the fees and receipts and the officers' cards; the JSON
# merged here), or in
# one (REPORT_SESSIONS=1: part all).
# Needs psql and perl only (JSON::PP, in Debian's perl package).
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 DB OUT.html T_FROM T_TO" >&2
  exit 2
fi
db=$1 out=$2 t_from=$3 t_to=$4
top=$(cd "$(dirname "$0")/.." && pwd)

json=$(mktemp)
part2=$(mktemp)
page=$(mktemp "$out.XXXXXX")    # beside OUT.html, which is replaced only when complete
trap 'rm -f "$json" "$part2" "$page"' EXIT

report() {   # report PART OUT
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -v t_from="$t_from" -v t_to="$t_to" -v part="$1" \
    -f "$top/demo/report.sql" >"$2"
}
case "${REPORT_SESSIONS:-2}" in
  1) report all "$json"; : >"$part2" ;;
  2) report 2 "$part2" & part2_pid=$!
     rc=0; report 1 "$json" || rc=$?
     wait "$part2_pid" || rc=$?
     [ "$rc" = 0 ] || { echo "report_html: demo/report.sql failed" >&2; exit 1; } ;;
  *) echo "report_html: REPORT_SESSIONS must be 1 or 2" >&2; exit 2 ;;
esac

perl -MJSON::PP -e '
  use strict; use warnings;
  my ($template, $data, $second) = @ARGV;
  my $read = sub { open my $f, "<:raw", $_[0] or die "report_html: $_[0]: $!\n"; local $/; my $s = <$f>; $s };
  my $decode = sub {
    my ($s, $what) = @_;
    $s =~ s/\s+\z//;
    length $s or die "report_html: demo/report.sql ($what) printed nothing\n";
    my $d = eval { JSON::PP->new->utf8->decode($s) };
    defined $d or die "report_html: demo/report.sql ($what) did not print valid JSON: $@";
    ($s, $d);
  };
  my $html = $read->($template);
  my ($json, $d) = $decode->($read->($data), "part 1");
  # the other session'"'"'s part, per unit, into the views
  my $s = $read->($second);
  if ($s =~ /\S/) {
    my (undef, $p2) = $decode->($s, "part 2");
    for my $code (keys %{$d->{views} || {}}) {
      my $v = $p2->{views}{$code} or die "report_html: unit $code is missing from part 2\n";
      $d->{views}{$code}{$_} = $v->{$_} for qw(stuck stuck_count reduction money receipts);
    }
    $d->{officers} = $p2->{officers};
    $json = JSON::PP->new->utf8->canonical->encode($d);
  }
  # The JSON goes inside a <script> element: no "<", ">" or "&" may appear
  # (no "</script>", no "<!--").  Outside strings JSON has none of them; in
  # strings the \u escapes stand for the same characters.
  $json =~ s/</\\u003c/g; $json =~ s/>/\\u003e/g; $json =~ s/&/\\u0026/g;
  my $placeholder = "/*TTHC_REPORT_DATA*/";
  my $n = () = $html =~ /\Q$placeholder\E/g;
  $n == 1 or die "report_html: $template must hold $placeholder once, not $n times\n";
  substr($html, index($html, $placeholder), length $placeholder) = $json;
  print $html;
' "$top/demo/report.template.html" "$json" "$part2" >"$page"

chmod 644 "$page"
mv "$page" "$out"
echo "report_html: wrote $out ($(wc -c <"$out") bytes)"
