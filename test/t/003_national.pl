# A country: two province nodes (H22 and H01) and a national hub, on
# PostgreSQL's logical replication.  Both provinces number their dossiers
# from id 1, both have procedure 1.005129 (with their own limits) and a
# calendar named "weekend-desk" (with their own Saturday hours).  The hub's
# reports, tracking, SLA view and chains must equal each province's; the hub
# refuses local writes through every path; the log stays append-only even
# through replication's own path; a province keeps working while the hub is
# down and the hub catches up without duplicates or gaps; a subscriber
# restart duplicates nothing; the hub does not sweep; a province rebuilt from
# its dump is re-attached.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $year = q{'[2026-01-01,2027-01-01)'};

# ---------- nodes ----------

sub new_node
{
	my ($name, $empty, $version) = @_;
	my $n = PostgreSQL::Test::Cluster->new($name);
	$n->init(allows_streaming => 'logical');
	$n->append_conf('postgresql.conf', q{
shared_preload_libraries = 'tthc'
tthc.database = 'postgres'
tthc.sweep_interval = '1s'
max_replication_slots = 10
max_wal_senders = 10
max_logical_replication_workers = 8
max_worker_processes = 16
wal_retrieve_retry_interval = '500ms'
});
	$n->start;
	$n->safe_psql('postgres', 'CREATE EXTENSION tthc' . ($version ? " VERSION '$version'" : '')) unless $empty;
	return $n;
}

# the fixture of province $root: its units, its calendar and its version of 1.005129
sub province_fixture
{
	my ($n, $root, $limit, $saturday) = @_;
	$n->safe_psql('postgres', qq{
INSERT INTO tthc.calendar (name, parent) VALUES ('weekend-desk', 'vn');
INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('weekend-desk', 6, '$saturday');
INSERT INTO tthc.unit (code, name, level) VALUES ('$root', 'Tỉnh $root', 'province');
INSERT INTO tthc.unit (code, name, level, parent, calendar) VALUES
  ('$root.01', 'Trung tâm 1 của $root', 'commune', '$root', 'vn'),
  ('$root.02', 'Trung tâm 2 của $root', 'commune', '$root', 'weekend-desk');
INSERT INTO tthc.procedure (code, name, field, time_limit, online_service) VALUES
  ('1.005129', 'Cấp giấy phép xây dựng ($root)', 'xay_dung', '$limit working days', 'full');
});
}

# write: $count new dossiers at province $root, received from $from on, and
# move them (processing, resolved, supplement, refused, rated); then sweep
sub write_dossiers
{
	my ($n, $root, $count, $from, $days) = @_;
	$days //= 150;
	# (one transaction: the province's worker must not flag them before they move)
	$n->safe_psql('postgres', qq{
SET TimeZone = 'Asia/Ho_Chi_Minh';
BEGIN;
INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, applicant_name, applicant_id)
SELECT '1.005129', CASE WHEN g % 2 = 0 THEN '$root.01' ELSE '$root.02' END, 1 + g % 3,
       timestamptz '$from 08:00' + (g % $days) * interval '1 day' + (g % 8) * interval '1 hour',
       'Công dân ' || g, lpad((22000000000 + g)::text, 12, '0')
FROM generate_series(1, $count) g;
DO \$\$
DECLARE d record;
BEGIN
  FOR d IN SELECT code, received_at, id FROM tthc.dossier
           WHERE status = 'received' AND event_seq = 1 AND received_at >= '$from' ORDER BY id LOOP
    CONTINUE WHEN d.id % 5 = 0;
    PERFORM tthc.transition(d.code, 'processing', d.received_at + interval '2 hours');
    IF d.id % 5 IN (1, 2) THEN
      PERFORM tthc.transition(d.code, 'resolved', d.received_at + (1 + d.id % 23) * interval '1 day');
    ELSIF d.id % 5 = 3 THEN
      PERFORM tthc.transition(d.code, 'awaiting_supplement', d.received_at + interval '1 day');
    END IF;
  END LOOP;
END \$\$;
COMMIT;
INSERT INTO tthc.rating (dossier_id, rating)
SELECT id, CASE WHEN id % 3 = 0 THEN 'unsatisfied' ELSE 'satisfied' END
FROM tthc.dossier d WHERE status = 'resolved' AND NOT EXISTS (SELECT 1 FROM tthc.rating r WHERE r.dossier_id = d.id);
SELECT tthc.sweep();
});
}

my $p1 = new_node('h22');
# H01 is an existing 0.7.0 database: its history is written before the update
my $p2 = new_node('h01', 0, '0.7.0');
province_fixture($p1, 'H22', 10, '{[08:00,12:00)}');
province_fixture($p2, 'H01', 15, '{[07:30,11:30),[13:00,17:00)}');
write_dossiers($p1, 'H22', 300, '2026-03-02');
write_dossiers($p2, 'H01', 240, '2026-03-02');
# H22 had a commune that ended in February, taken over whole by H22.01
$p1->safe_psql('postgres', q{
SET TimeZone = 'Asia/Ho_Chi_Minh';
INSERT INTO tthc.unit (code, name, level, parent) VALUES ('H22.09', 'Xã đã nhập', 'commune', 'H22');
INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
VALUES ('1.005129', 'H22.09', '2026-02-10 09:00', 'Công dân cũ', '022000000999');
SELECT tthc.transition(code, 'processing', '2026-02-10 10:00') FROM tthc.dossier WHERE receiving_unit = 'H22.09';
UPDATE tthc.unit SET valid_to = '2026-02-28' WHERE code = 'H22.09';
INSERT INTO tthc.unit_succession (old_unit, new_unit, effective, whole, legal_reference)
VALUES ('H22.09', 'H22.01', '2026-03-01', true, 'NQ thử');
SELECT tthc.transfer(code, 'H22.01', '2026-03-02 08:00', 'sáp nhập') FROM tthc.dossier WHERE receiving_unit = 'H22.09';
});
# (the columns a 0.7.0 report has; later versions add theirs at the end)
my $h01_report = "SELECT (r.level, r.unit, r.field, r.carried_over, r.received, r.received_in_person, r.received_online,
  r.received_postal, r.resolved, r.resolved_early, r.resolved_on_time, r.resolved_late, r.in_progress, r.in_progress_in_time,
  r.in_progress_overdue, r.awaiting_supplement, r.supplement_requests, r.withdrawn, r.refused, r.stopped, r.on_time_rate,
  r.avg_work)::text FROM tthc.report('H01', $year) r";
my $h01_before = $p2->safe_psql('postgres', $h01_report);
my $h01_ids = $p2->safe_psql('postgres', 'SELECT md5(string_agg(id || code, \',\' ORDER BY id)) FROM tthc.dossier');
$p2->safe_psql('postgres', 'ALTER EXTENSION tthc UPDATE');
is($p2->safe_psql('postgres', q{SELECT extversion FROM pg_extension WHERE extname = 'tthc'}),
   $p2->safe_psql('postgres', q{SELECT default_version FROM pg_available_extensions WHERE name = 'tthc'}),
   'the 0.7.0 province is updated');
is($p2->safe_psql('postgres', 'SELECT md5(string_agg(id || code, \',\' ORDER BY id)) FROM tthc.dossier'), $h01_ids,
   '  keeping every id and code it wrote');
is($p2->safe_psql('postgres', $h01_report), $h01_before, '  and its report');
is($p2->safe_psql('postgres', 'SELECT count(*) FROM tthc.verify_log()'), '0', '  and its intact chains');

# ---------- publishing ----------

is($p1->safe_psql('postgres', 'SELECT tthc.create_publication()'), 'tthc', 'a province publishes as tthc');
is($p1->safe_psql('postgres', 'SELECT tthc.create_publication()'), 'tthc', 'and again: idempotent');
is($p1->safe_psql('postgres', q{SELECT string_agg(pubname || ':' || n, ',' ORDER BY pubname)
  FROM (SELECT pubname, count(*) n FROM pg_publication_tables WHERE schemaname = 'tthc' GROUP BY 1) x}),
  'tthc:12,tthc_log:3', 'the catalogue, successions, dossiers and sums in tthc; the log in tthc_log (insert only)');
$p2->safe_psql('postgres', 'SELECT tthc.create_publication()');

my $hub = new_node('hub');
my ($rc, $out, $err) = $hub->psql('postgres', 'SELECT tthc.create_publication()');
like($err, qr/a province node has one root unit, the province; this one has 0/, 'a node that is not a province cannot publish');

# ---------- attaching ----------

my $c1 = $p1->connstr('postgres');
my $c2 = $p2->connstr('postgres');
# an event trigger of the hub's owner that catches an error of its own runs (and rolls back a
# subtransaction) inside the first attach's DDL, while the attach talks to the province
$hub->safe_psql('postgres', q{CREATE FUNCTION public.noisy() RETURNS event_trigger LANGUAGE plpgsql AS
  $$BEGIN BEGIN PERFORM 1 / 0; EXCEPTION WHEN division_by_zero THEN NULL; END; END$$;
  CREATE EVENT TRIGGER noisy ON ddl_command_end EXECUTE FUNCTION public.noisy()});
is($hub->safe_psql('postgres', "SELECT tthc.attach_province(\$q\$$c1\$q\$)"), 'H22', 'attach returns the province\'s root unit');
$hub->safe_psql('postgres', 'DROP EVENT TRIGGER noisy; DROP FUNCTION public.noisy()');
is($hub->safe_psql('postgres', "SELECT tthc.attach_province(\$q\$$c1\$q\$)"), 'H22', 'attaching twice is idempotent');
is($hub->safe_psql('postgres', 'SELECT count(*) FROM pg_subscription'), '1', 'with one subscription');
is($hub->safe_psql('postgres', "SELECT tthc.attach_province(\$q\$$c2\$q\$)"), 'H01', 'the second province');
is($hub->safe_psql('postgres', 'SELECT tthc.is_hub()'), 't', 'the node is now a hub');

# wait until the hub has copied everything and follows both
sub synced
{
	$hub->poll_query_until('postgres', q{SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate <> 'r'})
	  or die 'the initial copy did not finish';
	$p1->wait_for_catchup('tthc_H22');
	$p2->wait_for_catchup('tthc_H01');
}
synced();

# a "province" whose unit is already another province's (on the hub): refused, nothing left behind
$p1->safe_psql('postgres', 'CREATE DATABASE clash');
$p1->safe_psql('clash', q{CREATE EXTENSION tthc;
  INSERT INTO tthc.unit (code, name, level) VALUES ('H79', 'Tỉnh trùng', 'province');
  INSERT INTO tthc.unit (code, name, level, parent) VALUES ('H22.01', 'mã của H22', 'commune', 'H79');
  SELECT tthc.create_publication();});
my $cc = $p1->connstr('clash');
($rc, $out, $err) = $hub->psql('postgres', "SELECT tthc.attach_province(\$q\$$cc\$q\$)");
like($err, qr/unit H22\.01 of province H79 is already mirrored from province H22/, 'a unit code of another province is refused');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.province WHERE code = 'H79'}) .
   $hub->safe_psql('postgres', q{SELECT count(*) FROM pg_subscription WHERE subname = 'tthc_H79'}) .
   $p1->safe_psql('postgres', q{SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'tthc_h79%'}),
   '000', 'and nothing is left: no province row, no subscription, no slot on the province');

# an attach whose transaction rolls back leaves no slot on the province either
$p1->safe_psql('postgres', 'CREATE DATABASE spare');
$p1->safe_psql('spare', q{CREATE EXTENSION tthc;
  INSERT INTO tthc.unit (code, name, level) VALUES ('H80', 'Tỉnh dự phòng', 'province');
  SELECT tthc.create_publication();});
my $cs = $p1->connstr('spare');
is($hub->safe_psql('postgres', "BEGIN; SELECT tthc.attach_province(\$q\$$cs\$q\$); ROLLBACK;"), 'H80',
   'an attach inside a transaction that then rolls back');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.province WHERE code = 'H80'}) .
   $hub->safe_psql('postgres', q{SELECT count(*) FROM pg_subscription WHERE subname = 'tthc_H80'}) .
   $p1->safe_psql('postgres', q{SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'tthc_h80%'}),
   '000', '  leaves no province row, no subscription and no slot (dropped when the hub aborted)');
# an attach that fails after it connected closes its connection to the province at once
# (here: a database that has a unit of its own cannot become a hub)
$hub->safe_psql('postgres', 'CREATE DATABASE withunits');
$hub->safe_psql('withunits', q{CREATE EXTENSION tthc; INSERT INTO tthc.unit (code, name, level) VALUES ('X1', 'x', 'province')});
my $bg = $hub->background_psql('withunits');
is($bg->query_safe(qq{CREATE FUNCTION pg_temp.try_attach(c text) RETURNS text LANGUAGE plpgsql AS
  \$f\$ BEGIN PERFORM tthc.attach_province(c); RETURN 'attached'; EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE || ' ' || SQLERRM; END \$f\$;
  SELECT pg_temp.try_attach(\$q\$$c1\$q\$)}),
   '55000 this node has units or dossiers of its own: a national hub mirrors provinces and has none',
   'a database with units of its own cannot become a hub');
is($p1->safe_psql('postgres', q{SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tthc hub'}), '0',
   '  and the failed attach left no connection open at the province, though its session goes on');
$bg->quit;
# an attach waiting on the province can be cancelled: here the province is a database of the
# hub's own cluster, so making its slot waits for the hub's transaction, which holds an xid
$hub->safe_psql('postgres', 'CREATE DATABASE localprov');
$hub->safe_psql('localprov', q{CREATE EXTENSION tthc;
  INSERT INTO tthc.unit (code, name, level) VALUES ('H81', 'Tỉnh cùng cụm', 'province');
  SELECT tthc.create_publication();});
my $cl = $hub->connstr('localprov');
($rc, $out, $err) = $hub->psql('postgres', "BEGIN; SELECT txid_current(); SET LOCAL statement_timeout = '2s';
  SELECT tthc.attach_province(\$q\$$cl\$q\$);");
like($err, qr/canceling statement due to statement timeout/, 'an attach waiting on the province obeys statement_timeout');
ok($hub->poll_query_until('postgres', q{SELECT count(*) = 0 FROM pg_replication_slots WHERE slot_name LIKE 'tthc_h81%'}),
   '  and leaves no slot behind (the province\'s query is cancelled, the slot dropped)');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM pg_subscription WHERE subname = 'tthc_H81'}) .
   $hub->safe_psql('postgres', q{SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tthc hub'}), '00',
   '  nor a subscription or an open connection');

# sums that another province sent for a unit the hub did not know yet keep that unit's province out
$p1->safe_psql('postgres', q{SET session_replication_role = replica;
  INSERT INTO tthc.report_day (unit, field, day, received_online) VALUES ('H80', '', '2026-05-05', 7)});
$p1->wait_for_catchup('tthc_H22');
($rc, $out, $err) = $hub->psql('postgres', "SELECT tthc.attach_province(\$q\$$cs\$q\$)");
like($err, qr/unit H80 of province H80 is already mirrored from another province \(report sums of it\)/,
  'a province whose unit another province already sent sums for is refused');
($rc, $out, $err) = $hub->psql('postgres', "\\set VERBOSITY verbose\nSELECT tthc.detach_province('H99')");
like($err, qr/22023: province "H99" is not attached to this hub/, 'detaching a province that is not attached: 22023');
($rc, $out, $err) = $hub->psql('postgres', "\\set VERBOSITY verbose\nSELECT tthc.attach_province('host=/nonexistent dbname=x')");
like($err, qr/08001: could not connect to the province/, 'a province that cannot be reached: 08001');

# ---------- the hub answers as each province does ----------

sub same_as_provinces
{
	my ($label) = @_;
	for my $p ([ $p1, 'H22' ], [ $p2, 'H01' ]) {
		my ($n, $root) = @$p;
		for my $q (
			[ 'report of the province', "SELECT r::text FROM tthc.report('$root', $year) r" ],
			[ 'report of a commune', "SELECT r::text FROM tthc.report('$root.02', $year) r" ],
			[ 'QĐ 766 indicators', "SELECT i::text FROM tthc.indicators_766('$root', $year) i" ],
			[ 'report on today\'s units', "SELECT r::text FROM tthc.report('$root', $year, lineage => true) r" ],
			[ 'dossiers', qq{SELECT md5(string_agg(tthc.dossier_state(d)::text || d.event_hash::text, ',' ORDER BY d.code))
			                 FROM tthc.dossier d WHERE d.receiving_unit LIKE '$root.%'} ],
			[ 'events', qq{SELECT count(*) || ' ' || md5(string_agg(e.hash::text, ',' ORDER BY d.code, e.seq))
			               FROM tthc.dossier d JOIN tthc.dossier_event e ON e.dossier_id = d.id
			                AND e.province IS NOT DISTINCT FROM d.province WHERE d.receiving_unit LIKE '$root.%'} ],
			[ 'ratings', qq{SELECT count(*) || ' ' || string_agg(r.rating, '' ORDER BY d.code) FROM tthc.rating r
			                JOIN tthc.dossier d ON d.id = r.dossier_id AND d.province IS NOT DISTINCT FROM r.province
			                WHERE d.receiving_unit LIKE '$root.%'} ],
			[ 'SLA of finished dossiers', qq{SELECT string_agg(code || ' ' || elapsed_work || ' ' || band, ',' ORDER BY code)
			               FROM tthc.dossier_sla WHERE status = 'resolved' AND receiving_unit LIKE '$root.%'} ])
		{
			my $want = $n->safe_psql('postgres', "SELECT string_agg(x, E'\\n') FROM ($q->[1]) q(x)");
			my $got = $hub->safe_psql('postgres', "SELECT string_agg(x, E'\\n') FROM ($q->[1]) q(x)");
			ok($want ne '', "$label: $root has a $q->[0]");
			is($got, $want, "$label: the hub's $q->[0] of $root is the province's");
		}
	}
	# the national report: each province's total, and their sum column by column
	my $cols = q{carried_over, received, received_in_person, received_online, received_postal, resolved,
	             resolved_early, resolved_on_time, resolved_late, in_progress, in_progress_in_time,
	             in_progress_overdue, awaiting_supplement, supplement_requests, withdrawn, refused, stopped};
	my @want_total;
	for my $p ([ $p1, 'H22' ], [ $p2, 'H01' ]) {
		my ($n, $root) = @$p;
		my $own = $n->safe_psql('postgres', "SELECT concat_ws('|', $cols) FROM tthc.report('$root', $year) WHERE level = 'total'");
		is($hub->safe_psql('postgres', "SELECT concat_ws('|', $cols) FROM tthc.national_report($year) WHERE unit = '$root'"),
		   $own, "$label: national_report's row of $root is the province's own total");
		my @v = split /\|/, $own;
		$want_total[$_] += $v[$_] for 0 .. $#v;
	}
	is($hub->safe_psql('postgres', "SELECT concat_ws('|', $cols) FROM tthc.national_report($year) WHERE level = 'total'"),
	   join('|', @want_total), "$label: the national total is the provinces' sum, column by column");
	# a period with partial months at both ends, and one inside a month
	for my $period (q{'[2026-03-15,2026-09-10)'}, q{'[2026-05-04,2026-05-20)'}) {
		for my $p ([ $p1, 'H22' ], [ $p2, 'H01' ]) {
			my ($n, $root) = @$p;
			is($hub->safe_psql('postgres', "SELECT concat_ws('|', $cols, on_time_rate, avg_work) FROM tthc.national_report($period) WHERE unit = '$root'"),
			   $n->safe_psql('postgres', "SELECT concat_ws('|', $cols, on_time_rate, avg_work) FROM tthc.report('$root', $period) WHERE level = 'total'"),
			   "$label: national_report of $period for $root is the province's");
		}
	}
	is($hub->safe_psql('postgres', q{SELECT count(*) FROM (SELECT code FROM tthc.dossier GROUP BY code HAVING count(*) > 1) x}),
	   '0', "$label: no dossier twice on the hub");
	is($hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.verify_log()'), '0', "$label: every replicated chain verifies on the hub");
}
same_as_provinces('after the initial copy');
is($hub->safe_psql('postgres', q{SELECT string_agg(province || ' ' || old_unit || '>' || new_unit || ' ' || whole, ', ') FROM tthc.unit_succession}),
   'H22 H22.09>H22.01 true', 'the hub mirrors H22\'s succession, as H22\'s');

is($hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier WHERE id = 1'), '2',
   'both provinces\' dossier 1 are on the hub, apart');
is($hub->safe_psql('postgres', q{SELECT string_agg(province || ' ' || time_limit, ', ' ORDER BY province)
  FROM tthc.procedure WHERE code = '1.005129'}), 'H01 15 working days, H22 10 working days',
   'both provinces\' versions of procedure 1.005129, with their own limits');
is($hub->safe_psql('postgres', q{SELECT string_agg(province || ' ' || hours, ', ' ORDER BY province)
  FROM tthc.calendar_week WHERE calendar = 'weekend-desk'}),
   'H01 {[07:30:00,11:30:00),[13:00:00,17:00:00)}, H22 {[08:00:00,12:00:00)}',
   'both provinces\' calendar "weekend-desk", with their own Saturday');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.calendar_exception WHERE province IS NOT NULL}), '0',
   'the shipped calendar rows stay at home (the hub has its own)');
my $saturday = q{'2026-03-07 00:00+07', '2026-03-08 00:00+07'};
is($hub->safe_psql('postgres', "SELECT tthc.working_time_between($saturday, 'H22/weekend-desk') || ' ' ||
                                       tthc.working_time_between($saturday, 'H01/weekend-desk')"),
   $p1->safe_psql('postgres', "SELECT tthc.working_time_between($saturday, 'weekend-desk')") . ' ' .
   $p2->safe_psql('postgres', "SELECT tthc.working_time_between($saturday, 'weekend-desk')"),
   'on the hub each province\'s "weekend-desk" times a Saturday as the province does');
is($hub->safe_psql('postgres', "SELECT count(DISTINCT tthc.working_time_between($saturday, c))
                                FROM unnest(ARRAY['H22/weekend-desk', 'H01/weekend-desk']) c"), '2', '  and they differ');

# the national "where is my dossier"
for my $p ([ $p1, 'H22' ], [ $p2, 'H01' ]) {
	my ($n, $root) = @$p;
	my ($code, $aid) = split /\|/, $n->safe_psql('postgres',
		"SELECT code, right(applicant_id, 4) FROM tthc.dossier WHERE receiving_unit = '$root.02' ORDER BY id LIMIT 1");
	my $track = "SELECT status || ' ' || due_at FROM tthc.track('$code', '$aid')";
	is($hub->safe_psql('postgres', $track), $n->safe_psql('postgres', $track), "tthc.track finds $root\'s $code on the hub");
	is($hub->safe_psql('postgres', "SELECT count(*) FROM tthc.track('$code', '0000')"), '0', 'but not with a wrong suffix');
}

# ---------- the hub is a read-only mirror ----------

my $counts = q{SELECT (SELECT count(*) FROM tthc.dossier) || ' ' || (SELECT count(*) FROM tthc.dossier_event) || ' ' ||
  (SELECT count(*) FROM tthc.rating) || ' ' || (SELECT count(*) FROM tthc.unit) || ' ' ||
  (SELECT coalesce(sum(received_online), 0) FROM tthc.report_day) || ' ' || (SELECT count(*) FROM tthc.calendar_week)};
my $before = $hub->safe_psql('postgres', $counts);
my $some = $hub->safe_psql('postgres', q{SELECT id || ',' || province FROM tthc.dossier ORDER BY code LIMIT 1});
my ($sid, $sprov) = split /,/, $some;
for my $replica ('', 'SET session_replication_role = replica;') {
	for my $w (
		[ 'INSERT a dossier', q{INSERT INTO tthc.dossier (procedure_code, receiving_unit) VALUES ('1.005129', 'H22.01')} ],
		[ 'UPDATE a dossier', q{UPDATE tthc.dossier SET note = 'hub was here'} ],
		[ 'DELETE a dossier', q{DELETE FROM tthc.dossier} ],
		[ 'INSERT .. ON CONFLICT a unit', q{INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'x', 'province')
		                                    ON CONFLICT (code) DO UPDATE SET name = 'hijacked'} ],
		[ 'INSERT an event', qq{INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at, province)
		                        VALUES ($sid, 999, now(), 'edit', 'me', now(), '$sprov')} ],
		[ 'UPDATE an event', q{UPDATE tthc.dossier_event SET note = 'x'} ],
		[ 'DELETE an event', q{DELETE FROM tthc.dossier_event} ],
		[ 'TRUNCATE the events', q{TRUNCATE tthc.dossier_event} ],
		[ 'DELETE a rating', q{DELETE FROM tthc.rating} ],
		[ 'UPDATE a sum', q{UPDATE tthc.report_day SET received_online = 0} ],
		[ 'DELETE a delta', q{DELETE FROM tthc.report_delta} ],
		[ 'TRUNCATE the sums', q{TRUNCATE tthc.report_day} ],
		[ 'UPDATE a calendar', q{UPDATE tthc.calendar_week SET hours = '{}' WHERE province IS NOT NULL} ],
		[ 'COPY units in', q{COPY tthc.unit (code, name, level) FROM PROGRAM 'printf "H99\\tx\\tprovince\\n"'} ],
		[ 'report_rebuild', q{SELECT tthc.report_rebuild()} ],
		[ 'transition', "SELECT tthc.transition((SELECT code FROM tthc.dossier WHERE status = 'processing' LIMIT 1), 'resolved')" ])
	{
		($rc, $out, $err) = $hub->psql('postgres', "\\set VERBOSITY verbose\n" . $replica . $w->[1]);
		isnt($rc, 0, "the hub refuses to $w->[0]" . ($replica ? ' (as replication)' : ''));
		like($err, qr/ERROR:  25006: \w+ on tthc\.\w+ is not allowed on the national hub/,
		  "  with 25006 and a clear error: " . (split /\n/, $err)[0]);
	}
}
is($hub->safe_psql('postgres', $counts), $before, 'and nothing on the hub changed');

# readers and outsiders
$hub->safe_psql('postgres', q{CREATE ROLE nat_reader LOGIN IN ROLE tthc_reader; CREATE ROLE nat_auditor LOGIN IN ROLE tthc_auditor;
  CREATE ROLE nat_outsider LOGIN});
is($hub->safe_psql('postgres', "SELECT count(*) FROM tthc.national_report($year)", extra_params => [ '-U', 'nat_reader' ]),
   '3', 'a national reader reads the national report');
is($hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.province_status', extra_params => [ '-U', 'nat_reader' ]),
   '2', 'and the provinces\' status');
is($hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.verify_log()', extra_params => [ '-U', 'nat_auditor' ]),
   '0', 'a national auditor verifies every chain');
for my $q ("SELECT * FROM tthc.national_report($year)", 'SELECT * FROM tthc.dossier', 'SELECT * FROM tthc.province_status',
	"SELECT tthc.attach_province(\$q\$$c1\$q\$)", "SELECT tthc.detach_province('H22')")
{
	($rc, $out, $err) = $hub->psql('postgres', $q, extra_params => [ '-U', 'nat_outsider' ]);
	like($err, qr/permission denied/, "an outsider is refused: $q");
}
# an officer of H22.01 and one of H01.01 on the hub: each reads its unit's dossiers and their
# logs, not the other province's dossiers of the same ids
$hub->safe_psql('postgres', q{CREATE ROLE nat_officer LOGIN IN ROLE tthc_officer;
  CREATE ROLE nat_officer2 LOGIN IN ROLE tthc_officer;
  INSERT INTO tthc.officer_unit (role, unit) VALUES ('nat_officer', 'H22.01'), ('nat_officer2', 'H01.01')});
for my $o ([ 'nat_officer', 'H22.01' ], [ 'nat_officer2', 'H01.01' ]) {
	my ($role, $unit) = @$o;
	my $own_events = qq{SELECT count(*) FROM tthc.dossier_event e JOIN tthc.dossier d
	  ON d.id = e.dossier_id AND d.province = e.province WHERE d.handling_unit = '$unit'};
	my $own_ratings = qq{SELECT count(*) FROM tthc.rating r JOIN tthc.dossier d
	  ON d.id = r.dossier_id AND d.province = r.province WHERE d.handling_unit = '$unit'};
	my $own = $hub->safe_psql('postgres', "SELECT count(*) FROM tthc.dossier WHERE handling_unit = '$unit'");
	ok($own > 0, "$unit has dossiers on the hub");
	is($hub->safe_psql('postgres', "SELECT count(*) || ' ' || count(*) FILTER (WHERE handling_unit <> '$unit') FROM tthc.dossier",
	     extra_params => [ '-U', $role ]), "$own 0", "an officer of $unit on the hub sees its unit's dossiers only");
	is($hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier_event', extra_params => [ '-U', $role ]) . ' ' .
	   $hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.rating', extra_params => [ '-U', $role ]),
	   $hub->safe_psql('postgres', $own_events) . ' ' . $hub->safe_psql('postgres', $own_ratings),
	   '  and their events and ratings, none of another province\'s dossier with the same id');
	($rc, $out, $err) = $hub->psql('postgres', "SELECT * FROM tthc.national_report($year)", extra_params => [ '-U', $role ]);
	like($err, qr/permission denied/, "  and no national report");
	($rc, $out, $err) = $hub->psql('postgres', q{UPDATE tthc.dossier SET note = 'x'}, extra_params => [ '-U', $role ]);
	like($err, qr/not allowed on the national hub/, '  and writes nothing on the hub');
	my $other = $unit eq 'H22.01' ? 'H01.01' : 'H22.01';
	is($hub->safe_psql('postgres', "SELECT (SELECT count(*) FROM tthc.dossier_masked) || ' ' ||
	      (SELECT count(*) FROM tthc.dossier_sla) || ' ' ||
	      (SELECT count(*) FROM tthc.dossier_sla WHERE handling_unit <> '$unit')", extra_params => [ '-U', $role ]),
	   "$own $own 0", '  the views show it its unit\'s dossiers only');
	my ($copy_rc, $copy_out) = $hub->psql('postgres', 'COPY tthc.dossier_event (dossier_id) TO STDOUT', extra_params => [ '-U', $role ]);
	is(scalar(() = $copy_out =~ /^\d+$/mg), $hub->safe_psql('postgres', $own_events),
	   '  COPY of the events gives its own only');
	for my $w ([ 'report of the other province\'s unit', "SELECT * FROM tthc.report('$other', $year)", qr/42501|not allowed|permission denied|does not work/ ],
		[ 'INSERT a dossier', "INSERT INTO tthc.dossier (procedure_code, receiving_unit) VALUES ('1.005129', '$unit')", qr/not allowed on the national hub/ ],
		[ 'INSERT .. ON CONFLICT', "INSERT INTO tthc.rating (dossier_id, rating) SELECT id, 'satisfied' FROM tthc.dossier LIMIT 1
		                            ON CONFLICT DO NOTHING", qr/not allowed on the national hub/ ],
		[ 'COPY events in', "COPY tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at) FROM PROGRAM 'true'",
		  qr/permission denied|must be superuser|pg_execute_server_program/ ],
		[ 'transition', "SELECT tthc.transition((SELECT code FROM tthc.dossier WHERE status <> 'resolved' ORDER BY id LIMIT 1), 'resolved')",
		  qr/not allowed on the national hub/ ])
	{
		($rc, $out, $err) = $hub->psql('postgres', $w->[1], extra_params => [ '-U', $role ]);
		like($err, $w->[2], "  $role is refused: $w->[0]");
	}
}
# a login outside every tthc role on the hub: nothing through the views, functions or COPY
for my $q ('SELECT count(*) FROM tthc.dossier_masked', 'SELECT count(*) FROM tthc.dossier_sla',
	'SELECT count(*) FROM tthc.rating', "SELECT * FROM tthc.report('H22', $year)",
	"SELECT * FROM tthc.indicators_766('H01', $year)", 'COPY tthc.dossier_event TO STDOUT',
	'SELECT tthc.create_publication()', 'SELECT tthc.hub_init()')
{
	($rc, $out, $err) = $hub->psql('postgres', $q, extra_params => [ '-U', 'nat_outsider' ]);
	like($err, qr/permission denied/, "an outsider is refused: $q");
}
($rc, $out, $err) = $hub->psql('postgres', "SELECT tthc.detach_province('H22')", extra_params => [ '-U', 'nat_reader' ]);
like($err, qr/permission denied/, 'a reader may not detach a province');

# ---------- the log is append-only on a province too, also "as replication" ----------

my $p1_events = $p1->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier_event');
for my $w ('UPDATE tthc.dossier_event SET note = $$x$$', 'DELETE FROM tthc.dossier_event',
	'TRUNCATE tthc.dossier_event', 'DELETE FROM tthc.dossier', 'DELETE FROM tthc.rating')
{
	($rc, $out, $err) = $p1->psql('postgres', "SET session_replication_role = replica; $w");
	like($err, qr/not allowed/, "a province refuses \"$w\" with session_replication_role = replica");
}
is($p1->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier_event'), $p1_events, 'and keeps every event');
for my $w (q{UPDATE tthc.dossier SET province = 'H01' WHERE id = 1},
	q{UPDATE tthc.calendar SET province = 'H01' WHERE name = 'weekend-desk'},
	q{INSERT INTO tthc.unit (code, name, level, parent, province) VALUES ('H22.09', 'x', 'commune', 'H22', 'H01')})
{
	($rc, $out, $err) = $p1->psql('postgres', "\\set VERBOSITY verbose\n$w");
	like($err, qr/23514: .*province_local/, "a province node keeps its province columns NULL: $w");
}

# ---------- the worker does not sweep on the hub ----------

$p1->poll_query_until('postgres', 'SELECT runs > 2 FROM tthc.sweep_state') or die;
is($hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.sweep_state'), '0', 'the hub\'s worker has not swept');
is($hub->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier_event WHERE province IS NULL'), '0',
   'no event of the hub\'s own');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.dossier WHERE province = 'H22' AND overdue_since IS NOT NULL}),
   $p1->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier WHERE overdue_since IS NOT NULL'),
   'the overdue flags on the hub are the province\'s sweep\'s');

# ---------- the hub down: the provinces go on, the hub catches up ----------

is($hub->safe_psql('postgres', q{SELECT string_agg(province || ' ' || streaming, ',' ORDER BY province) FROM tthc.province_status}),
   'H01 true,H22 true', 'province_status: both stream');
ok($hub->safe_psql('postgres', q{SELECT bool_and(lag IS NOT NULL AND lag < interval '1 minute') FROM tthc.province_status}) eq 't',
   'province_status: with the lag of the latest event');
$hub->stop;
write_dossiers($p1, 'H22', 120, '2026-08-03', 60);
write_dossiers($p2, 'H01', 90, '2026-08-03', 60);
$hub->start;
synced();
same_as_provinces('after the hub was down');

# ---------- a subscriber restart in the middle of a stream ----------

$p1->safe_psql('postgres', q{SET TimeZone = 'Asia/Ho_Chi_Minh';
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at, applicant_name, applicant_id)
  SELECT '1.005129', 'H22.01', timestamptz '2026-10-05 08:00' + g * interval '1 minute', 'r' || g, '022000000' || lpad(g::text, 3, '0')
  FROM generate_series(1, 400) g});
$hub->safe_psql('postgres', 'SELECT pg_terminate_backend(pid) FROM pg_stat_subscription WHERE pid IS NOT NULL');
$hub->restart;
write_dossiers($p1, 'H22', 60, '2026-10-12', 20);
synced();
same_as_provinces('after a subscriber restart');

# ---------- a province rebuilt from its dump is re-attached ----------

my $dump = $p2->basedir . '/h01.dump';
command_ok([ 'pg_dump', '-Fc', '-d', $c2, '-f', $dump ], 'pg_dump of province H01');
$p2->stop;
my $p2b = new_node('h01b', 'empty');
command_ok([ 'pg_restore', '--exit-on-error', '-d', $p2b->connstr('postgres'), $dump ], 'restored on a new node');
is($p2b->safe_psql('postgres', 'SELECT tthc.create_publication()'), 'tthc', 'which publishes again');
my $c2b = $p2b->connstr('postgres');
($rc, $out, $err) = $hub->psql('postgres', "SELECT tthc.attach_province(\$q\$$c2b\$q\$)");
like($err, qr/already attached from another connection/, 'the hub will not mix it with the old node\'s copy');
($rc, $out, $err) = $hub->psql('postgres', q{SELECT tthc.detach_province('H01')});
is($rc, 0, 'detach works with the old node gone');
like($err, qr/could not reach the province to drop its replication slot/, '  and says which slot it could not drop');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.dossier WHERE province = 'H01'}) .
   $hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.unit WHERE province = 'H01'}), '00',
   'the detached province\'s rows left the hub');
is($hub->safe_psql('postgres', "SELECT tthc.attach_province(\$q\$$c2b\$q\$)"), 'H01', 'the rebuilt province is attached');
$p2 = $p2b;
$c2 = $c2b;
write_dossiers($p2, 'H01', 30, '2026-10-19', 10);
synced();
same_as_provinces('after the rebuilt province was re-attached');

# ---------- the hub keeps the log a province's owner rewrote ----------

my $victim = $p1->safe_psql('postgres', q{SELECT code FROM tthc.dossier WHERE status = 'resolved' ORDER BY id LIMIT 1});
$p1->safe_psql('postgres', qq{ALTER TABLE tthc.dossier_event DISABLE TRIGGER append_only;
  DELETE FROM tthc.dossier_event e USING tthc.dossier d WHERE d.id = e.dossier_id AND d.code = '$victim' AND e.seq = 2;
  ALTER TABLE tthc.dossier_event ENABLE ALWAYS TRIGGER append_only;});
write_dossiers($p1, 'H22', 5, '2026-10-19', 5);
$p1->wait_for_catchup('tthc_H22');
like($p1->safe_psql('postgres', "SELECT problem FROM tthc.verify_log('$victim')"), qr/missing/,
   'an owner who removes an event at the province breaks its chain there');
is($hub->safe_psql('postgres', "SELECT count(*) FROM tthc.verify_log('$victim')"), '0',
   'but the hub still holds the whole chain: the removal never reached it');

# ---------- a province cannot write another province's rows on the hub ----------

# H22's owner, bypassing H22's own guard, forges a dossier with a code of H01's unit,
# and publishes the province column to slip a rating in as H01's
my $h01_dossiers = $hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.dossier WHERE province = 'H01'});
$p1->safe_psql('postgres', q{SET session_replication_role = replica;
  INSERT INTO tthc.dossier (id, code, procedure_code, receiving_unit, handling_unit, status, changed_at)
  OVERRIDING SYSTEM VALUE VALUES (900001, 'H01.01-261203-0099', '1.005129', 'H22.01', 'H22.01', 'received', now())});
$hub->wait_for_log(qr/province H22 sent dossier H01\.01-261203-0099, whose code is not of its receiving unit H22\.01/);
ok(1, 'a dossier with another province\'s code is refused by the hub (its server log says why)');
ok($hub->poll_query_until('postgres', q{SELECT apply_errors > 0 FROM tthc.province_status WHERE province = 'H22'}),
   '  and province_status counts the apply errors of H22');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.dossier WHERE code = 'H01.01-261203-0099'}), '0', '  nothing of it reached the hub');
write_dossiers($p2, 'H01', 10, '2026-10-26', 5);
$p2->wait_for_catchup('tthc_H01');
is($hub->safe_psql('postgres', q{SELECT count(*) FROM tthc.dossier WHERE province = 'H01'}),
   $p2->safe_psql('postgres', 'SELECT count(*) FROM tthc.dossier'), 'and H01 goes on streaming, untouched');

# detach with the province running drops its slot
$hub->safe_psql('postgres', q{SELECT tthc.detach_province('H01')});
ok($p2->poll_query_until('postgres', q{SELECT count(*) = 0 FROM pg_replication_slots WHERE slot_name LIKE 'tthc_h01%'}),
   'detaching a running province drops its slot there');
is($hub->safe_psql('postgres', q{SELECT string_agg(province, ',') FROM tthc.province_status}), 'H22', 'one province left');

done_testing();
