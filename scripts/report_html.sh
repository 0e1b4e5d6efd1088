#!/usr/bin/env bash
# scripts/report_html.sh: the province report as one self-contained HTML page.
#   scripts/report_html.sh DB OUT.html T_FROM T_TO
# Runs demo/report.sql on database DB (the server from the PG* environment
# variables) for the period [T_FROM, T_TO) (timestamptz, as scripts/demo.sh
# passes them to demo/dashboard.sql) and writes OUT.html: the page
# demo/report.template.html with its placeholder replaced by that JSON.
# Needs psql and perl only (JSON::PP, in Debian's perl package).
set -euo pipefail

if [ $# -ne 4 ]; then
  echo "usage: $0 DB OUT.html T_FROM T_TO" >&2
  exit 2
fi
db=$1 out=$2 t_from=$3 t_to=$4
top=$(cd "$(dirname "$0")/.." && pwd)

json=$(mktemp)
page=$(mktemp "$out.XXXXXX")    # beside OUT.html, which is replaced only when complete
trap 'rm -f "$json" "$page"' EXIT

psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -v t_from="$t_from" -v t_to="$t_to" \
  -f "$top/demo/report.sql" >"$json"

perl -MJSON::PP -e '
  use strict; use warnings;
  my ($template, $data) = @ARGV;
  my $read = sub { open my $f, "<:raw", $_[0] or die "report_html: $_[0]: $!\n"; local $/; my $s = <$f>; $s };
  my $html = $read->($template);
  my $json = $read->($data);
  $json =~ s/\s+\z//;
  length $json or die "report_html: demo/report.sql printed nothing\n";
  eval { JSON::PP->new->utf8->decode($json); 1 } or die "report_html: demo/report.sql did not print valid JSON: $@";
  # The JSON goes inside a <script> element: no "<", ">" or "&" may appear
  # (no "</script>", no "<!--").  Outside strings JSON has none of them; in
  # strings the \u escapes stand for the same characters.
  $json =~ s/</\\u003c/g; $json =~ s/>/\\u003e/g; $json =~ s/&/\\u0026/g;
  my $placeholder = "/*TTHC_REPORT_DATA*/";
  my $n = () = $html =~ /\Q$placeholder\E/g;
  $n == 1 or die "report_html: $template must hold $placeholder once, not $n times\n";
  substr($html, index($html, $placeholder), length $placeholder) = $json;
  print $html;
' "$top/demo/report.template.html" "$json" >"$page"

chmod 644 "$page"
mv "$page" "$out"
echo "report_html: wrote $out ($(wc -c <"$out") bytes)"
