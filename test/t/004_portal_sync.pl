# tthc-sync against a double of the national portal (test/portal_double.pl).
# 1,000 dossiers with their events (reception, moves, supplement rounds,
# results) arrive complete and in order: the portal's record of each is
# tthc.portal_dossier(), its progress tthc.portal_progress() element for
# element.  Then the portal misbehaves (HTTP 500, timeouts, lost replies,
# "already exists", expired sessions, down for a moment, down for good), a
# client is killed with SIGKILL mid-sync, two clients share one backlog, the
# configuration is wrong, and new online dossiers are polled from the portal:
# every time everything arrives, nothing tthc had acknowledged is sent twice,
# no dossier is sent by two clients at once.  Then what is not a dossier's
# fault is charged to none (the login refused mid-run, every session
# expired at once, a redirect, the portal silent), what the portal writes
# cannot forge a log line nor keep a lease (bytes that are not UTF-8,
# newlines, a NUL, a reply of megabytes), a client stopped with SIGTERM
# gives back what it claimed, and secrets stay out of its messages.
#
# The double is $TTHC_SRC/test/portal_double.pl, else ../portal_double.pl
# from this file's directory (test/ in the checkout; scripts/test.sh copies it
# beside the t/ it runs); the client is $TTHC_SYNC, else
# $(pg_config --bindir)/tthc-sync.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Basename qw(dirname);
use File::Spec;
use HTTP::Tiny;
use IPC::Run;
use JSON::PP;
use Time::HiRes qw(time sleep);

my $here = dirname(File::Spec->rel2abs(__FILE__));
my ($double) = grep { defined && -f } (
	defined $ENV{TTHC_SRC} ? "$ENV{TTHC_SRC}/test/portal_double.pl" : undef,
	"$here/../portal_double.pl");
die "test/portal_double.pl not found: set TTHC_SRC to the checkout" unless $double;

my $node = PostgreSQL::Test::Cluster->new('portal');
$node->init;
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'tthc'
# the dossiers' events are the test's: no sweep adds warnings while they are sent
tthc.worker_enabled = off
max_connections = 40
});
$node->start;
my $sync = $ENV{TTHC_SYNC} // $node->config_data('--bindir') . '/tthc-sync';
die "tthc-sync not found at $sync (set TTHC_SYNC)" unless -x $sync;
my $dir = $node->basedir;

# ---------- the province ----------

$node->safe_psql('postgres', q{
CREATE EXTENSION tthc;
SET TimeZone = 'Asia/Ho_Chi_Minh';
INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'Trung tâm PVHCC tỉnh Quảng Ninh', 'province');
INSERT INTO tthc.unit (code, name, level, parent) VALUES
  ('H22.01', 'Trung tâm PVHCC phường Hạ Long', 'commune', 'H22'),
  ('H22.02', 'Trung tâm PVHCC đặc khu Vân Đồn', 'commune', 'H22');
INSERT INTO tthc.procedure (code, name, field, time_limit, online_time_limit) VALUES
  ('1.005129', 'Cấp giấy phép xây dựng nhà ở riêng lẻ', 'Xây dựng', '15 ngày làm việc', '12 ngày làm việc'),
  ('1.000001', 'Cấp bản sao trích lục hộ tịch', 'Hộ tịch', '1 working day', NULL);
INSERT INTO tthc.officer (login, full_name, unit, title) VALUES
  ('lan.nt', 'Nguyễn Thị Lan', 'H22.01', 'Chuyên viên một cửa'),
  ('hung.tv', 'Trần Văn Hùng', 'H22.02', 'Công chức tư pháp');
CREATE ROLE tthc_sync LOGIN IN ROLE tthc_portal;
-- what the test compares: the portal's state, loaded as JSON
CREATE TABLE public.seen (s jsonb);
});
my $conninfo = $node->connstr('postgres') . ' user=tthc_sync';

# $n dossiers received from 2 November 2026 + $day days on (for 15 days), half
# online ($day also keeps their applicants' IDs apart);
# most move on, the last by 1 December: processing; a supplement round (every 25th: four rounds, so
# more than ten events, two chunks); resolved; returned
sub new_dossiers
{
	my ($n, $day) = @_;
	$node->safe_psql('postgres', qq{
SET TimeZone = 'Asia/Ho_Chi_Minh';
BEGIN;
CREATE TEMP TABLE fresh ON COMMIT DROP AS
WITH ins AS (
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, submitted_at, received_at,
                            applicant_name, applicant_id, applicant_phone, summary)
  SELECT CASE WHEN g % 3 = 0 THEN '1.000001' ELSE '1.005129' END,
         CASE WHEN g % 2 = 0 THEN 'H22.01' ELSE 'H22.02' END,
         1 + g % 2, CASE WHEN g % 2 = 1 THEN t - interval '14 hours' END, t,
         (ARRAY['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em',
                'Vũ Thị Giang', 'Đặng Văn Hải', 'Bùi Thị Lan', 'Đỗ Văn Minh', 'Ngô Thị Nga'])[1 + g % 10],
         '022' || lpad(($day * 10000 + g)::text, 9, '0'), '09' || lpad(($day * 10000 + g)::text, 8, '0'),
         CASE WHEN g % 7 = 0 THEN 'Xin cấp phép, hồ sơ ' || g END
  FROM generate_series(1, $n) g,
       LATERAL (SELECT timestamptz '2026-11-02 08:00' + ($day + g % 15) * interval '1 day'
                       + (g % 480) * interval '1 minute' AS t) x
  RETURNING id, code, received_at)
SELECT * FROM ins;
DO \$\$
DECLARE d record;
BEGIN
  FOR d IN SELECT * FROM fresh ORDER BY id LOOP
    PERFORM set_config('tthc.actor', CASE WHEN d.code LIKE 'H22.01-%' THEN 'lan.nt' ELSE 'hung.tv' END, true);
    CONTINUE WHEN d.id % 5 = 0;
    PERFORM tthc.transition(d.code, 'processing', d.received_at + interval '1 hour');
    IF d.id % 5 = 3 THEN
      FOR r IN 1 .. CASE WHEN d.id % 25 = 3 THEN 4 ELSE 1 END LOOP
        PERFORM tthc.transition(d.code, 'awaiting_supplement', d.received_at + r * interval '1 day' + interval '3 hours',
                                'thiếu bản vẽ lần ' || r);
        PERFORM tthc.transition(d.code, 'processing', d.received_at + r * interval '1 day' + interval '6 hours');
      END LOOP;
    END IF;
    IF d.id % 5 IN (1, 2, 3) THEN
      PERFORM tthc.transition(d.code, 'resolved', d.received_at + interval '5 days');
    END IF;
    IF d.id % 5 = 1 THEN
      PERFORM tthc.transition(d.code, 'returned', d.received_at + interval '6 days');
    END IF;
  END LOOP;
END \$\$;
COMMIT;
});
}

# ---------- the portal ----------

my @portal_login = ('--user', 'tthc-h22', '--secret', 'mật-khẩu-thử', '--unit', '000.00.00.H22');
my $dpid = open(my $dout, '-|', $^X, $double, '--port', '0', @portal_login, '--hold', '5',
	'--log', "$dir/portal_double.log") or die "cannot start $double: $!";
my ($port) = (<$dout> // '') =~ /^port=(\d+)/ or die "the portal double did not start: see $dir/portal_double.log";
my $portal = "http://127.0.0.1:$port";
END { if ($dpid) { kill 'TERM', $dpid; waitpid $dpid, 0; } }
my $http = HTTP::Tiny->new(timeout => 60);
# (this file's strings are UTF-8 bytes: they go out as they are; what comes back is decoded)
my $out_json = JSON::PP->new->canonical;
my $json = JSON::PP->new->utf8->canonical;

sub control
{
	my $r = $http->post("$portal/_control", { content => $out_json->encode({@_}) });
	die "control: $r->{status} $r->{content}" unless $r->{success};
}

# the double's counters, violations and log (from entry $log_from on)
sub portal_state
{
	my ($log_from) = @_;
	my $r = $http->get("$portal/_state?brief=1" . (defined $log_from ? "&log_from=$log_from" : ''));
	die "state: $r->{status}" unless $r->{success};
	return $json->decode($r->{content});
}

# ---------- the client ----------

my @base = ('--conninfo', $conninfo, '--portal', $portal, @portal_login, '--timeout', '1');
my $runs = 0;

# run tthc-sync to its end: (exit code, stderr); its stderr is kept in the node's directory
sub sync
{
	my (@args) = @_;
	my ($out, $err) = ('', '');
	my $t = time;
	my $h = IPC::Run::start([ $sync, @args ], '<', \undef, '>', \$out, '2>', \$err, IPC::Run::timeout(90));
	my $rc = eval { $h->finish; $h->full_result >> 8 };
	unless (defined $rc) { $h->kill_kill; $err .= "\n(killed: still running after 90 s)"; $rc = -1; }
	my $file = sprintf('%s/sync_%02d.log', $dir, ++$runs);
	PostgreSQL::Test::Utils::append_to_file($file, "tthc-sync @args\n-> exit $rc after "
		  . sprintf('%.1f', time - $t) . " s\n$out$err");
	return ($rc, $err);
}

sub sync_start
{
	my (@args) = @_;
	my %bg = (out => '', err => '');
	$bg{h} = IPC::Run::start([ $sync, @args ], '<', \undef, '>', \$bg{out}, '2>', \$bg{err}, IPC::Run::timeout(90));
	return \%bg;
}

# (exit code, signal) of a background client
sub sync_finish
{
	my ($bg) = @_;
	eval { $bg->{h}->finish };
	$bg->{h}->kill_kill if $@;
	my $st = $bg->{h}->full_result // 0;
	PostgreSQL::Test::Utils::append_to_file(sprintf('%s/sync_%02d.log', $dir, ++$runs),
		"(background) status $st\n$bg->{out}$bg->{err}");
	return ($st >> 8, $st & 127);
}

sub unsent { return $node->safe_psql('postgres', 'SELECT count(*) FROM tthc.portal_outbox'); }

# a failed dossier is claimable again after a backoff of 30 s or more: the
# test does not wait for it
sub skip_backoff
{
	$node->safe_psql('postgres', 'UPDATE tthc.portal_queue SET next_try_at = now() WHERE next_try_at > now()');
}

sub max_id { return $node->safe_psql('postgres', 'SELECT coalesce(max(id), 0) FROM tthc.dossier'); }

# the dossiers of tthc matching $which (SQL on tthc.dossier) as the portal has
# them: the record is tthc.portal_dossier(), the progress tthc.portal_progress()
# element for element (each verifies the dossier's log, some ms a dossier: a
# phase checks its own dossiers); and the portal has no dossier tthc does not;
# returns the number of differences, diag's the first few
sub portal_has
{
	my ($label, $which) = @_;
	my $r = $http->get("$portal/_state");
	die "state: $r->{status}" unless $r->{success};
	open(my $fh, '>', "$dir/seen.json") or die;
	print $fh $r->{content};
	close $fh;
	my $diff = $node->safe_psql('postgres', qq{
TRUNCATE public.seen;
INSERT INTO public.seen SELECT pg_read_file('$dir/seen.json')::jsonb;
WITH want AS (SELECT coalesce(portal_code, code) AS m, tthc.portal_dossier(code) AS rec,
                     tthc.portal_progress(code, 0, 1000) AS prog FROM tthc.dossier WHERE $which),
got AS (SELECT d.key AS m, d.value -> 'record' AS rec, coalesce(s.s -> 'progress' -> d.key, '[]') AS prog
        FROM public.seen s, jsonb_each(s.s -> 'dossiers') d)
SELECT w.m || ': ' || CASE
         WHEN g.m IS NULL THEN 'the portal has no record'
         WHEN g.rec IS DISTINCT FROM w.rec THEN 'the record differs: ' || g.rec::text || ' <> ' || w.rec::text
         ELSE 'the progress differs: ' || jsonb_array_length(g.prog) || ' records, '
              || jsonb_array_length(w.prog) || ' events' END
FROM want w LEFT JOIN got g ON g.m = w.m
WHERE g.m IS NULL OR g.rec IS DISTINCT FROM w.rec OR g.prog IS DISTINCT FROM w.prog
UNION ALL
SELECT g.m || ': the portal has a dossier tthc does not' FROM got g
-- (coalesce(portal_code, code) = g.m, in a form the indexes answer)
WHERE NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.portal_code = g.m)
  AND NOT EXISTS (SELECT 1 FROM tthc.dossier d WHERE d.code = g.m AND d.portal_code IS NULL)
ORDER BY 1});
	my @diff = grep { $_ ne '' } split /\n/, $diff;
	diag("$label: " . scalar(@diff) . " dossiers differ, e.g.\n" . join("\n", @diff[ 0 .. ($#diff < 4 ? $#diff : 4) ]))
	  if @diff;
	return scalar @diff;
}

sub violations_since
{
	my ($from, @kinds) = @_;
	my $v = portal_state()->{violations};
	my @v = @$v[ $from .. $#$v ];
	@v = grep { my $k = $_->{kind}; grep { $_ eq $k } @kinds } @v if @kinds;
	diag('violation: ' . $json->encode($_)) for @v[ 0 .. ($#v < 4 ? $#v : 4) ];
	return scalar @v;
}

# ---------- (a) 1,000 dossiers, complete and in order ----------

new_dossiers(1000, 0);
is($node->safe_psql('postgres', 'SELECT count(*) || \' \' || bool_or(event_seq > 10) FROM tthc.dossier'), '1000 true',
	'1,000 dossiers, some with more than ten events');
is(unsent(), '1000', 'all of them in the outbox');
my ($rc, $err) = sync(@base, '--once', '--batch', '100');
is($rc, 0, 'tthc-sync --once sends them and exits 0') or diag($err);
is(unsent(), '0', 'the outbox is empty');
is(portal_has('first sync', 'true'), 0,
	'the portal has every record as tthc.portal_dossier() and every progress as tthc.portal_progress()');
my $st = portal_state();
is($st->{dossier_count}, 1000, 'the portal has the 1,000 dossiers');
is_deeply($st->{rejected}, {}, 'no call was refused (every field rule held, at most 10 progress records a call)');
is(violations_since(0), 0, 'no violation: nothing sent twice, out of order, before its record, nor by two senders');
is($node->safe_psql('postgres', q{SELECT count(*) FROM public.seen s, jsonb_each(s.s -> 'dossiers') d
  WHERE (d.value ->> 'created')::int <> 1 OR (d.value ->> 'updated')::int <> 0}), '0',
	'each record was sent once, as a creation');

# ---------- (b) the portal misbehaves ----------

my $v0 = @{ $st->{violations} };
my $rej0 = $st->{rejected};
my $id0 = max_id();
new_dossiers(150, 3);
# dossiers the portal has move on: their record goes again, as an update
$node->safe_psql('postgres', q{SET TimeZone = 'Asia/Ho_Chi_Minh'; SET tthc.actor = 'lan.nt';
  SELECT count(tthc.transition(code, 'processing', received_at + interval '4 hours'))
  FROM tthc.dossier WHERE id % 5 = 0 AND id <= 400 AND receiving_unit = 'H22.01'});
my $pending = unsent();
control(fail_every => 13, status => 500, timeout_every => 97, lost_reply_every => 61, exists_next => 3,
	expire_every => 50, down_after => 120, down_for => 0.8, hold => 5);
my $tries = 0;
while (1) {
	($rc, $err) = sync(@base, '--once', '--batch', '20', '--retries', '5');
	$tries++;
	last if $rc == 0 || $tries == 4;
	skip_backoff();
}
is($rc, 0, "with 500s, timeouts, lost replies, \"exists\", expired sessions and a short outage: $pending dossiers sent in $tries --once runs (at most 4)")
  or diag($err);
is(unsent(), '0', '  the outbox is empty');
control(fail_every => 0, timeout_every => 0, lost_reply_every => 0, exists_next => 0, expire_every => 0);
$st = portal_state();
my %rej = %{ $st->{rejected} };
$rej{$_} -= $rej0->{$_} // 0 for keys %rej;
ok($rej{http_500} && $rej{timeout} && $rej{lost_reply} && $rej{exists} >= 3 && $rej{session} && $rej{down},
	'  every fault happened: ' . join(', ', map { "$_ $rej{$_}" } sort keys %rej));
is(portal_has('after the faults', "id > $id0 OR (id % 5 = 0 AND id <= 400 AND receiving_unit = 'H22.01')"), 0, '  the portal has every record and progress, in order');
is(violations_since($v0), 0, '  no violation: what the portal answered was not sent again (a lost reply is redelivered, once)');
is($node->safe_psql('postgres', q{SELECT count(*) FROM public.seen s, jsonb_each(s.s -> 'dossiers') d
  WHERE (d.value ->> 'updated')::int = 0 AND d.key IN (SELECT code FROM tthc.dossier WHERE id % 5 = 0 AND id <= 400
                                                       AND receiving_unit = 'H22.01')}), '0',
	'  the dossiers that moved were updated');

# ---------- (e) the portal down; a bad configuration ----------

$v0 = @{ $st->{violations} };
new_dossiers(20, 6);
control(down => JSON::PP::true);
($rc, $err) = sync(@base, '--once', '--retries', '2');
isnt($rc, 0, 'with the portal down, --once exits non-zero');
isnt($rc, 2, '  and not as for a bad configuration');
is($node->safe_psql('postgres', q{SELECT count(*) || ' ' || bool_and(acked_seq = 0 AND state IN ('pending', 'retrying'))
  FROM tthc.portal_outbox}), '20 true', '  the 20 dossiers wait, none acknowledged, none leased');
control(down => JSON::PP::false);
skip_backoff();
($rc, $err) = sync(@base, '--once');
is($rc . ' ' . unsent(), '0 0', 'the portal back: the next --once sends them') or diag($err);

for my $bad ([ 'no --portal', [ (grep { $_ ne '--portal' && $_ ne $portal } @base), '--once' ] ],
	[ 'an --interval that is not a number', [ @base, '--once', '--interval', 'soon' ] ],
	[ 'a negative --interval', [ @base, '--once', '--interval', '-5' ] ],
	[ 'an unknown flag', [ @base, '--once', '--no-such-flag' ] ])
{
	($rc, $err) = sync(@{ $bad->[1] });
	is($rc, 2, "$bad->[0]: exit 2");
	like($err, qr/\S/, '  with a message on stderr');
}
# flag > environment > file
PostgreSQL::Test::Utils::append_to_file("$dir/sync.conf", "# the file loses to the environment and the flags\n"
	  . "portal = http://127.0.0.1:9\nunit = 000.00.00.H99\nbatch = 5\n");
new_dossiers(3, 7);
{
	local $ENV{TTHC_PORTAL} = $portal;
	($rc, $err) = sync('--config', "$dir/sync.conf", '--conninfo', $conninfo, @portal_login, '--timeout', '1', '--once');
}
is($rc . ' ' . unsent(), '0 0', 'the portal from TTHC_PORTAL beats the file\'s, the --unit flag the file\'s unit')
  or diag($err);
PostgreSQL::Test::Utils::append_to_file("$dir/bad.conf", "interval = soon\n");
($rc, $err) = sync('--config', "$dir/bad.conf", @base, '--once');
is($rc, 2, 'a bad value in the config file: exit 2');
is(violations_since($v0), 0, 'no violation through the outage');

# ---------- (f) new online dossiers polled from the portal ----------

my %online = (MaTTHC => '1.005129', TenTTHC => 'Cấp giấy phép xây dựng nhà ở riêng lẻ', KenhThucHien => 2,
	LoaiDoiTuong => 1, TrangThaiHoSo => '1', DonViXuLy => 'H22.01', NgayNopHoSo => '20261207201500',
	TrichYeuHoSo => 'Xin cấp giấy phép xây nhà ở 3 tầng');
my @inbox = map {
	{ %online, MaHoSo => "000.00.09.H22-261207-000$_->[0]", ChuHoSo => $_->[1], SoDienThoai => "091234567$_->[0]",
	  DinhDanhCHS => [ { LoaiDinhDanh => 1, SoDinhDanh => "02209000123$_->[0]" } ] }
} ([ 1, 'Nguyễn Văn An' ], [ 2, 'Trần Thị Bình' ], [ 3, 'Lê Văn Cường' ]);
# a record this province cannot take: a procedure it does not have
push @inbox, { %{ $inbox[0] }, MaHoSo => '000.00.09.H22-261207-0009', MaTTHC => '1.999999' };
control(enqueue => \@inbox);
($rc, $err) = sync(@base, '--once', '--poll');
isnt($rc, 2, 'tthc-sync --once --poll runs') or diag($err);
is($node->safe_psql('postgres', q{SELECT string_agg(portal_code || ' ' || status, ', ' ORDER BY portal_code)
  FROM tthc.dossier WHERE portal_code IS NOT NULL}),
	'000.00.09.H22-261207-0001 submitted, 000.00.09.H22-261207-0002 submitted, 000.00.09.H22-261207-0003 submitted',
	'the three polled dossiers are in tthc under their MaHoSo, submitted');
like($err, qr/000\.00\.09\.H22-261207-0009/, 'the record tthc refused is logged with its MaHoSo');
($rc, $err) = sync(@base, '--once', '--poll');
is($rc, 0, 'a second --once --poll exits 0') or diag($err);
$st = portal_state();
is(join(', ', map { "$_->{MaHoSo} " . ($_->{confirmed} ? 'confirmed' : 'open') . ' '
	  . ($_->{offered} == 1 ? 'once' : $_->{offered} > 1 ? 'again' : 'never') } @{ $st->{inbox} }),
	'000.00.09.H22-261207-0001 confirmed once, 000.00.09.H22-261207-0002 confirmed once, '
	  . '000.00.09.H22-261207-0003 confirmed once, 000.00.09.H22-261207-0009 open again',
	'the received ones were confirmed and not offered again; the refused one is offered again');
is($node->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier WHERE portal_code IS NOT NULL'), '3',
	'  and nothing was created twice');
is(unsent(), '0', 'the polled dossiers went back to the portal with their first event');
is(portal_has('after polling', 'portal_code IS NOT NULL'), 0, '  under their MaHoSo, as updates of what the portal has');

# ---------- (c) a client killed mid-sync ----------

$v0 = @{ $st->{violations} };
$id0 = max_id();
new_dossiers(1500, 8);
my $before = $st->{dossier_count};
control(delay => 0.004);
my $bg = sync_start(@base, '--once', '--batch', '50', '--lease', '5');
my $t0 = time;
sleep 0.05 while portal_state()->{dossier_count} < $before + 300 && time - $t0 < 60;
$bg->{h}->signal('KILL');
my ($code, $sig) = sync_finish($bg);
is($sig, 9, 'a client killed with SIGKILL after some 300 dossiers');
control(delay => 0);
# what tthc had acknowledged when it died
$node->safe_psql('postgres', 'CREATE TABLE public.acked_at_kill AS SELECT coalesce(portal_code, code) AS m, portal_seq FROM tthc.dossier');
my $left = unsent();
ok($left > 0 && $left < 1500, "  it left $left of 1,500 dossiers unsent");
ok($node->poll_query_until('postgres', q{SELECT count(*) = 0 FROM tthc.portal_outbox WHERE state = 'leased'}),
	'  its leases expire');
($rc, $err) = sync(@base, '--once', '--batch', '50');
is($rc . ' ' . unsent(), '0 0', 'the next run sends the rest') or diag($err);
is(portal_has('after the kill', "id > $id0"), 0, '  the portal has everything, once, in order');
my $all = portal_state()->{violations};
my @dup = grep { $_->{kind} eq 'duplicate' } @$all[ $v0 .. $#$all ];
my %acked = map { split /\t/ } grep { $_ ne '' } split /\n/, $node->safe_psql('postgres',
	q{SELECT m || E'\t' || portal_seq FROM public.acked_at_kill});
is(scalar(grep { $_->{index} <= $acked{ $_->{MaHoSo} } } @dup), 0,
	'  no event tthc had acknowledged was sent again (resent: ' . scalar(@dup) . ' answered but not yet acknowledged)');
my %dup_dossiers = map { ($_->{MaHoSo} => 1) } @dup;
ok(keys %dup_dossiers <= 50, '  resends only of dossiers the killed client held (' . scalar(keys %dup_dossiers) . ')');
is(violations_since($v0, 'out_of_order', 'no_record', 'interleaved'), 0, '  no other violation');

# ---------- (d) two clients, one backlog ----------

$st = portal_state();
$v0 = @{ $st->{violations} };
my $log0 = $st->{log_count};
$id0 = max_id();
new_dossiers(600, 9);
control(delay => 0.002);
my @bg = map { sync_start(@base, '--once', '--batch', '10') } 1 .. 2;
my @end = map { [ sync_finish($_) ] } @bg;
control(delay => 0);
is(join(' ', map { $_->[1] } @end), '0 0', 'two clients at once: neither dies');
ok(!grep({ $_->[0] == 2 } @end) && grep({ $_->[0] == 0 } @end), '  the last to finish exits 0 (' . join(' ', map { $_->[0] } @end) . ')');
is(unsent(), '0', '  the outbox is empty');
is(portal_has('two clients', "id > $id0"), 0, '  the portal has everything, once, in order');
is(violations_since($v0), 0, '  no violation');
my %senders;
my @calls = @{ portal_state($log0)->{log} };
for my $c (@calls) { $senders{$_}{ $c->{session} } = 1 for @{ $c->{MaHoSo} }; }
my %sessions = map { ($_->{session} => 1) } @calls;
is(scalar(grep { keys %{ $senders{$_} } > 1 } keys %senders), 0,
	'  each dossier was sent by one client only, of ' . scalar(keys %sessions) . ' sessions');
ok(keys %sessions >= 2, '  both clients sent');

# ---------- (g) not the dossiers' fault: none is charged ----------

# the outbox: dossiers charged with an attempt or a backoff, leased, unsent
sub charged
{
	return $node->safe_psql('postgres', q{SELECT count(*) FILTER (WHERE attempts > 0 OR next_try_at IS NOT NULL)
  || ' charged, ' || count(*) FILTER (WHERE state = 'leased') || ' leased, ' || count(*) || ' unsent'
FROM tthc.portal_outbox});
}

$st = portal_state();
$v0 = @{ $st->{violations} };
new_dossiers(30, 10);
# one login, five calls, then every session expires and the next login is refused
control(auth_refuse_after => 1, expire_every => 5);
($rc, $err) = sync(@base, '--once', '--batch', '10');
is($rc, 1, 'the portal refuses the login mid-run: --once exits 1');
like($err, qr/error: could not log in to the portal/, '  saying so');
like(charged(), qr/^0 charged, 0 leased, (?:[12]\d|[1-9]) unsent$/,
	'  some dossiers were sent, and none of the rest got an attempt or a backoff, nor stays leased');
control(auth_refuse => JSON::PP::false, expire_every => 0, reject_sessions => JSON::PP::true);
($rc, $err) = sync(@base, '--once', '--batch', '10');
is($rc, 1, 'every call answered 401, even in a session just opened: --once exits 1');
like($err, qr/expired a session it had just opened/, '  saying so');
like(charged(), qr/^0 charged, 0 leased, /, '  and charges no dossier');
control(reject_sessions => JSON::PP::false, redirect => 'http://127.0.0.1:9/elsewhere');
($rc, $err) = sync(@base, '--once', '--batch', '10');
is($rc, 1, 'the portal redirects: --once exits 1');
like($err, qr{error: HTTP 302: .*redirects to http://127\.0\.0\.1:9/elsewhere}, '  logging where to');
like(charged(), qr/^0 charged, 0 leased, /, '  and charges no dossier');
control(redirect => undef, fail_next => 1000, status => 503);
($rc, $err) = sync(@base, '--once', '--batch', '10', '--retries', '1');
is($rc, 1, 'the portal answers nothing but 503: --once exits 1');
like(charged(), qr/^1 charged, 0 leased, /, '  the dossier whose tries ran out is charged, the rest of the batch given back');
is($node->safe_psql('postgres', q{SELECT last_error FROM tthc.portal_outbox WHERE attempts > 0}), 'HTTP 503',
	'  with the error');
control(fail_next => 0, status => 500, exists_next => 1, exists_message => 'Đã tồn tại hồ sơ trên hệ thống');
skip_backoff();
($rc, $err) = sync(@base, '--once');
is($rc . ' ' . unsent(), '0 0', 'the portal back: the next --once sends them all ("Đã tồn tại" too is "already exists")')
  or diag($err);

# what the portal writes: junk for four calls, one dossier each
new_dossiers(10, 11);
my $forged = '2026-12-01 00:00:00 tthc-sync: claimed 0: forged line';
control(exists_message => undef, reply_raw => [
	{ body_hex => unpack('H*', qq({"error_code": "5", "message": "l\xed\xa0\x80i \xf4\x90\x80\x80"})) },
	{ body => qq({"error_code": "7", "message": "bad\\n$forged\\n) . ('y' x 5000) . '"}' },
	{ body_hex => unpack('H*', qq({"error_code": 0}\0junk)) },
	{ body => '{"error_code": 0, "message": "' . ('x' x (1100 * 1024)) . '"}' } ]);
($rc, $err) = sync(@base, '--once', '--batch', '10');
is($rc, 1, 'four replies of junk: --once exits 1, their four dossiers waiting');
unlike($err, qr/^\Q$forged\E/m, '  a message with newlines forges no line of the log');
my @junk = split /\n/, $node->safe_psql('postgres', q{SELECT state || ' ' || attempts || ' '
  || (next_try_at > now()) || ' ' || length(last_error) || ' ' || last_error
FROM tthc.portal_outbox ORDER BY last_error});
is(scalar(@junk), 4, '  four dossiers left');
like(join("\n", @junk), qr/^retrying 1 true \d+ error_code 7: bad \Q$forged\E y+$/m,
	'  the message with newlines recorded on one line');
ok(!grep({ /^\S+ \S+ \S+ (\d+)/ && $1 > 500 } @junk), '  none longer than 500 bytes');
like(join("\n", @junk), qr/^retrying 1 true \d+ the reply is not JSON \(invalid byte sequence.*l\?\?\?i/m,
	'  bytes that are not UTF-8: recorded, the lease given back, a backoff');
like(join("\n", @junk), qr/^retrying 1 true \d+ the reply holds a NUL byte/m, '  a reply with a NUL byte is refused');
like(join("\n", @junk), qr/^retrying 1 true \d+ the reply is longer than 1 MB/m, '  a reply of over 1 MB is refused');
skip_backoff();
($rc, $err) = sync(@base, '--once');
is($rc . ' ' . unsent(), '0 0', '  the next --once sends them') or diag($err);

# ---------- (h) SIGTERM mid-sync; flags; secrets ----------

$st = portal_state();
new_dossiers(300, 12);
$before = $st->{dossier_count};
control(delay => 0.01);
$bg = sync_start(@base, '--once', '--batch', '100');
$t0 = time;
sleep 0.05 while portal_state()->{dossier_count} < $before + 20 && time - $t0 < 60;
$bg->{h}->signal('TERM');
($code, $sig) = sync_finish($bg);
is("$code $sig", '0 0', 'a client stopped with SIGTERM mid-sync exits 0');
like(charged(), qr/^0 charged, 0 leased, (?:[1-9]\d\d|[1-9]\d?) unsent$/,
	'  what it claimed and had not sent is not left leased, nor charged');
control(delay => 0);
# (the double takes two live sessions sending one dossier within its overlap
# window, 0.5 s, for two senders at once: a handover is not one)
sleep 0.6;
($rc, $err) = sync(@base, '--once');
is($rc . ' ' . unsent(), '0 0', '  the next --once sends it at once') or diag($err);
# (the double's full state takes seconds to read by now: its violations say
# whether anything came twice, out of order or before its record)
is(violations_since($v0), 0, '  no violation since the refusals: nothing sent twice, out of order, before its record');

{
	local $ENV{TTHC_ONCE} = '1';
	my $calls0 = portal_state()->{log_count};
	$bg = sync_start(@base, '--once=false', '--interval', '1', '--poll');
	sleep 1.6;
	# (each cycle polls: one LayHoSoMoiMC call a second)
	ok(portal_state()->{log_count} - $calls0 >= 2, '--once=false overrules TTHC_ONCE=1: cycle after cycle');
	$bg->{h}->signal('TERM');
	($code, $sig) = sync_finish($bg);
	is("$code $sig", '0 0', '  and exits 0 on SIGTERM');
}
($rc, $err) = sync(@base, '-?');
is($rc, 0, '-? after other flags shows the help');
($rc, $err) = sync(@base, '--once', '--conninfo', 'host=localhost port=abc');
is($rc, 2, 'a conninfo with a bad port: exit 2');
($rc, $err) = sync(@base, '--once', '--conninfo', 'postgresql://tthc_sync:hunter2@[::1/postgres');
is($rc, 2, 'a conninfo that is not a URI: exit 2');
unlike($err, qr/hunter2/, '  and the message does not show its password');
my $secret = $portal_login[3];
control(auth_echo => 'body');
($rc, $err) = sync(@base, '--once');
is($rc, 1, 'the login answered with the request echoed: --once exits 1');
unlike($err, qr/\Q$secret\E/, '  and the log does not show the secret');
control(auth_echo => 'message');
($rc, $err) = sync(@base, '--once');
like($err, qr/could not log in to the portal: error_code -1: Sai mật khẩu: \*+/, 'the login refused with the secret in its message');
unlike($err, qr/\Q$secret\E/, '  the log shows it masked');
control(auth_echo => undef);

kill 'TERM', $dpid;
waitpid $dpid, 0;
is($?, 0, 'the portal double stops cleanly on SIGTERM');
$dpid = undef;
done_testing();
