# pg_dump keeps the calendars an administrator added, not the rows the
# extension ships; a restored database computes the same deadlines, and so
# does a restarted server.  Dossiers come back as they were, with their
# event logs, numbers and report sums, and carry on.
#
# Every table that feeds the report sums comes back counted once: dossiers of
# two units (payment, digitised, result_electronic, a supplement requested and
# delivered, late and returned dossiers), apologies, ratings, and sums both
# folded (report_day, report_month) and still in report_delta.  Restoring the
# ratings must not count them again on top of the restored sums: the reports,
# the QĐ 766 ratios (satisfaction_rate), the numbering and the event chains
# are those of the source, a rebuild of the sums changes nothing, and a rating
# given after the restore counts once.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('province');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
  CREATE DATABASE src;
});
$node->safe_psql('src', q{
  CREATE EXTENSION tthc;
  INSERT INTO tthc.calendar (name, parent, description) VALUES ('qn-hcc', 'vn', 'Saturday mornings');
  INSERT INTO tthc.calendar_week (calendar, isodow, hours) VALUES ('qn-hcc', 6, '{[07:30,11:30)}');
  INSERT INTO tthc.calendar_year (calendar, year, legal_reference) VALUES ('vn', 2027, 'test letter');
  INSERT INTO tthc.calendar_exception (calendar, day, kind, name, legal_reference)
  VALUES ('vn', '2027-02-05', 'holiday', 'Tết Nguyên đán', 'test letter'),
         ('vn', '2026-11-24', 'holiday', 'Ngày Văn hóa Việt Nam', 'test'),
         ('vn', '2026-08-31', 'working', 'Đính chính', 'test');   -- overrides a shipped day off
  INSERT INTO tthc.unit (code, name, level) VALUES ('H22.01', 'phường', 'commune');
  INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.000001', 'năm ngày', '5 working days');
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
  VALUES ('1.000001', 'H22.01', '2026-03-02 08:00+07'), ('1.000001', 'H22.01', '2026-03-02 08:10+07');
  SELECT tthc.transition('H22.01-260302-0001', 'processing', '2026-03-02 09:00+07');
  SELECT tthc.apologize('H22.01-260302-0001', 'chờ xác minh', '2026-03-20 16:00+07', '2026-03-03 09:00+07');
  SELECT tthc.transition('H22.01-260302-0001', 'resolved', '2026-03-04 09:00+07');
});
# a province with a second commune centre (on the Saturday-morning calendar),
# and dossiers for every column of the sums
$node->safe_psql('src', q{
  INSERT INTO tthc.unit (code, name, level) VALUES ('H22', 'tỉnh', 'province');
  UPDATE tthc.unit SET parent = 'H22' WHERE code = 'H22.01';
  INSERT INTO tthc.unit (code, name, level, parent, calendar) VALUES ('H22.02', 'xã', 'commune', 'H22', 'qn-hcc');
  INSERT INTO tthc.procedure (code, name, field, time_limit, online_time_limit, supplement_mode, online_service)
  VALUES ('1.000002', 'mười ngày', 'Đất đai', '10 working days', '3 working days', 'pause', 'full');
  -- H22.01, 03/03: through a supplement and back; late (flagged overdue); resolved then returned
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, payment, digitised, result_electronic)
  VALUES ('1.000002', 'H22.01', 2, '2026-03-03 08:30+07', 'online', true, true),
         ('1.000001', 'H22.01', 1, '2026-03-03 09:00+07', 'offline', false, false),
         ('1.000001', 'H22.01', 1, '2026-03-03 10:00+07', NULL, true, false);
  SELECT tthc.transition('H22.01-260303-0001', 'processing', '2026-03-03 09:00+07');
  SELECT tthc.transition('H22.01-260303-0001', 'awaiting_supplement', '2026-03-04 10:00+07', 'thiếu giấy tờ');
  SELECT tthc.transition('H22.01-260303-0001', 'processing', '2026-03-06 09:00+07');
  SELECT tthc.transition('H22.01-260303-0001', 'resolved', '2026-03-06 15:00+07');
  SELECT tthc.transition('H22.01-260303-0002', 'processing', '2026-03-03 10:00+07');
  SELECT tthc.transition('H22.01-260303-0002', 'resolved', '2026-03-12 10:00+07');
  SELECT tthc.transition('H22.01-260303-0003', 'processing', '2026-03-03 11:00+07');
  UPDATE tthc.dossier SET result_electronic = true, changed_at = '2026-03-04 08:00+07' WHERE code = 'H22.01-260303-0003';
  SELECT tthc.transition('H22.01-260303-0003', 'resolved', '2026-03-05 10:00+07');
  SELECT tthc.transition('H22.01-260303-0003', 'returned', '2026-03-06 09:00+07');
  -- H22.02, 09/03: three receptions in one statement
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, payment, digitised)
  SELECT * FROM (VALUES ('1.000002', 'H22.02', 1::smallint, '2026-03-09 08:00+07'::timestamptz, 'offline', true),
                        ('1.000001', 'H22.02', 3::smallint, '2026-03-09 08:05+07'::timestamptz, 'online', false),
                        ('1.000002', 'H22.02', 2::smallint, '2026-03-09 08:10+07'::timestamptz, NULL, true)) v;
  SELECT tthc.transition('H22.02-260309-0001', 'processing', '2026-03-09 09:00+07');
  UPDATE tthc.dossier SET result_electronic = true, changed_at = '2026-03-10 08:00+07' WHERE code = 'H22.02-260309-0001';
  SELECT tthc.transition('H22.02-260309-0001', 'resolved', '2026-03-11 10:00+07');
  SELECT tthc.transition('H22.02-260309-0001', 'returned', '2026-03-12 10:00+07');
  SELECT tthc.transition('H22.02-260309-0002', 'processing', '2026-03-09 09:00+07');
  SELECT tthc.apologize('H22.02-260309-0002', 'chờ ý kiến', '2026-03-20 16:00+07', '2026-03-10 09:00+07');
  SELECT tthc.transition('H22.02-260309-0002', 'resolved', '2026-03-18 10:00+07');
  SELECT tthc.transition('H22.02-260309-0003', 'withdrawn', '2026-03-10 10:00+07');
  -- ratings of resolved and returned dossiers of both units, in one statement and alone
  INSERT INTO tthc.rating (dossier_id, rating, comment, rated_at)
  SELECT d.id, v.rating, v.comment, v.rated_at::timestamptz
  FROM (VALUES ('H22.01-260302-0001', 'satisfied', 'nhanh', '2026-03-05 08:00+07'),
               ('H22.01-260303-0001', 'very_satisfied', NULL, '2026-03-09 09:00+07'),
               ('H22.01-260303-0002', 'unsatisfied', 'trễ hẹn', '2026-03-12 11:00+07')) v(code, rating, comment, rated_at)
  JOIN tthc.dossier d ON d.code = v.code;
  INSERT INTO tthc.rating (dossier_id, rating, rated_at)
  SELECT id, 'satisfied', '2026-03-12 11:00+07' FROM tthc.dossier WHERE code = 'H22.02-260309-0001';
  -- March folded into report_day and report_month
  SELECT tthc.report_compact();
  -- later writes stay in report_delta: a rating of March, a change of a March
  -- reception, and April's dossiers
  INSERT INTO tthc.rating (dossier_id, rating, comment, rated_at)
  SELECT id, 'unsatisfied', 'chậm', '2026-03-19 08:00+07' FROM tthc.dossier WHERE code = 'H22.02-260309-0002';
  INSERT INTO tthc.rating (dossier_id, rating, rated_at)
  SELECT id, 'very_satisfied', '2026-03-06 10:00+07' FROM tthc.dossier WHERE code = 'H22.01-260303-0003';
  UPDATE tthc.dossier SET payment = 'online', changed_at = '2026-03-20 10:00+07' WHERE code = 'H22.01-260303-0003';
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, channel, received_at, payment, digitised)
  VALUES ('1.000002', 'H22.02', 2, '2026-04-01 08:00+07', 'online', true),
         ('1.000001', 'H22.01', 1, '2026-04-02 08:00+07', 'offline', false);
  SELECT tthc.transition('H22.02-260401-0001', 'processing', '2026-04-01 09:00+07');
  SELECT tthc.transition('H22.02-260401-0001', 'awaiting_supplement', '2026-04-02 09:00+07', 'thiếu bản vẽ');
  SELECT tthc.transition('H22.02-260401-0001', 'processing', '2026-04-03 14:00+07');
  SELECT tthc.transition('H22.02-260401-0001', 'resolved', '2026-04-06 10:00+07');
  INSERT INTO tthc.rating (dossier_id, rating, rated_at)
  SELECT id, 'satisfied', '2026-04-07 09:00+07' FROM tthc.dossier WHERE code = 'H22.02-260401-0001';
  SELECT tthc.transition('H22.01-260402-0001', 'processing', '2026-04-02 09:00+07');
  SELECT tthc.apologize('H22.01-260402-0001', 'chờ kết quả đo đạc', '2026-04-20 16:00+07', '2026-04-03 09:00+07');
});
my $dossiers = q{
  SELECT string_agg(format('%s %s %s %s %s %s', code, status, due_at, result, promised_at, event_seq), ' | ' ORDER BY code)
  FROM tthc.dossier
};
my $events = q{
  SELECT string_agg(format('%s/%s %s %s', d.code, e.seq, e.kind, e.to_status), ' | ' ORDER BY d.code, e.seq)
  FROM tthc.dossier_event e JOIN tthc.dossier d ON d.id = e.dossier_id
};

my $probe = q{
  SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM (
    SELECT tthc.add_working_days('2026-11-23', 1)::text AS x
    UNION ALL SELECT tthc.deadline('2026-02-13 16:00+07', '4 working hours', 'qn-hcc')::text
    UNION ALL SELECT count(*)::text FROM tthc.calendar_days('vn', '2027-01-01', '2027-12-31') WHERE provisional
    UNION ALL SELECT count(*)::text FROM tthc.calendar_exception
    UNION ALL SELECT 'aug31=' || tthc.is_working_day('2026-08-31')::text) s
};
my $before = $node->safe_psql('src', $probe);
like($before, qr/2026-11-25/, 'the declared holiday is in force');
like($before, qr/aug31=true/, 'the override of a shipped day off is in force');

# what the source holds, and that its sums are right
my $satisfaction = q{
  SELECT sum(rated), sum(rated_satisfied)
  FROM (SELECT rated, rated_satisfied FROM tthc.report_day
        UNION ALL SELECT rated, rated_satisfied FROM tthc.report_delta) s
};
my $rated_count = q{SELECT count(*), count(*) FILTER (WHERE rating <> 'unsatisfied') FROM tthc.rating};
is($node->safe_psql('src', $rated_count), '7|5', 'the source has 7 ratings, 5 not unsatisfied');
is($node->safe_psql('src', $satisfaction), '7|5', 'the source counted each rating once');
is($node->safe_psql('src', q{
  SELECT (SELECT count(*) FROM tthc.report_day WHERE rated <> 0) > 0,
         (SELECT count(*) FROM tthc.report_month WHERE rated <> 0) > 0,
         (SELECT count(*) FROM tthc.report_delta WHERE rated <> 0) > 0,
         (SELECT count(*) FROM tthc.report_delta WHERE received_in_person + received_online + received_postal > 0) > 0,
         (SELECT count(*) FROM tthc.report_month WHERE with_fee + digitised + result_electronic > 0) > 0,
         (SELECT count(DISTINCT receiving_unit) FROM tthc.dossier),
         (SELECT count(*) FROM tthc.apology),
         (SELECT count(*) FROM tthc.dossier_event WHERE to_status = 'awaiting_supplement')
}), 't|t|t|t|t|2|3|2',
  'the source has sums folded (days, months) and left in report_delta, two units, apologies and supplements');
is($node->safe_psql('src', 'SELECT count(*) FROM tthc.verify_log()'), '0', 'the source\'s event chains are intact');

# what must come back as it was (exact text)
my @units = ('H22', 'H22.01', 'H22.02');
my @periods = ('[2026-01-01,2027-01-01)', '[2026-03-01,2026-04-01)', '[2026-03-05,2026-03-13)', '[2026-04-01,2026-05-01)');
my @sums;      # what the report sums give
for my $u (@units) {
  for my $p (@periods) {
    push @sums, [ "report($u, $p)", "SELECT * FROM tthc.report('$u', '$p')" ],
                [ "indicators_766($u, $p)", "SELECT * FROM tthc.indicators_766('$u', '$p') ORDER BY grp, indicator" ];
  }
}
push @sums, [ 'the rating sums of report_day and report_delta', $satisfaction ];
my @tables = (
  [ 'tthc.dossier', 'SELECT * FROM tthc.dossier ORDER BY id' ],
  [ 'tthc.rating', 'SELECT * FROM tthc.rating ORDER BY dossier_id' ],
  [ 'tthc.apology', 'SELECT * FROM tthc.apology ORDER BY dossier_id, seq' ],
  [ 'tthc.dossier_event', 'SELECT * FROM tthc.dossier_event ORDER BY dossier_id, seq' ],
  [ 'tthc.dossier_counter', 'SELECT * FROM tthc.dossier_counter ORDER BY unit, day' ],
  [ 'tthc.report_month', 'SELECT * FROM tthc.report_month ORDER BY unit, field, month' ],
);
my %src_read = map { $_->[0] => $node->safe_psql('src', $_->[1]) } @sums, @tables;

my $dump = $node->basedir . '/src.dump';
command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ],
  'pg_restore without errors (no duplicate shipped rows)');

is($node->safe_psql('dst', $probe), $before, 'the restored database computes the same results');
is($node->safe_psql('dst', $dossiers), $node->safe_psql('src', $dossiers), 'dossiers are restored as they were');
is($node->safe_psql('dst', $events), $node->safe_psql('src', $events), 'and so are their event logs');
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.apology'), '3', 'and their apologies');
my $report = q{SELECT * FROM tthc.report('H22.01', '[2026-01-01,2027-01-01)')};
is($node->safe_psql('dst', $report), $node->safe_psql('src', $report), 'and the report sums, counted once');

# every table feeding the sums, and every sum, exactly as in the source
for my $r (@tables, @sums) {
  is($node->safe_psql('dst', $r->[1]), $src_read{ $r->[0] }, "restored as in the source: $r->[0]");
}
is($node->safe_psql('dst', $satisfaction), $node->safe_psql('dst', $rated_count),
  'the restored ratings are counted once (rated, rated_satisfied = the rows of tthc.rating)');
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.verify_log()'), '0',
  'the restored event chains are intact (verify_log)');

# a rating given after the restore counts once, on top of the restored sums
my $rate_766 = q{
  SELECT numerator, denominator FROM tthc.indicators_766('%s', '[2026-03-01,2026-04-01)')
  WHERE indicator = 'satisfaction_rate'
};
my %rate_before = map { $_ => $node->safe_psql('dst', sprintf($rate_766, $_)) } @units;
my $sums_before = $node->safe_psql('dst', $satisfaction);
$node->safe_psql('dst', q{
  INSERT INTO tthc.rating (dossier_id, rating, comment, rated_at)
  SELECT id, 'satisfied', 'sau khôi phục', '2026-03-10 11:00+07' FROM tthc.dossier WHERE code = 'H22.02-260309-0003';
});
sub plus_one { my ($n, $d) = split /\|/, shift; return ($n + 1) . '|' . ($d + 1); }
for my $u ('H22', 'H22.02') {
  is($node->safe_psql('dst', sprintf($rate_766, $u)), plus_one($rate_before{$u}),
    "a rating given after the restore counts once in satisfaction_rate of $u");
}
is($node->safe_psql('dst', sprintf($rate_766, 'H22.01')), $rate_before{'H22.01'},
  'and not for the other unit');
is($node->safe_psql('dst', $satisfaction), plus_one($sums_before),
  'and once in the sums');
is($node->safe_psql('dst', sprintf($rate_766, 'H22')),
   plus_one($node->safe_psql('src', sprintf($rate_766, 'H22'))),
  'so the province has one rating more than the source');

# rebuilt from the dossiers, the log and the ratings, the sums stay as they were
my %dst_read = map { $_->[0] => $node->safe_psql('dst', $_->[1]) } @sums;
$node->safe_psql('dst', 'SELECT tthc.report_rebuild()');
for my $r (@sums) {
  is($node->safe_psql('dst', $r->[1]), $dst_read{ $r->[0] }, "unchanged by report_rebuild(): $r->[0]");
}
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.report_delta'), '0', 'the rebuild folded every sum');

# numbering carries on at the second unit, in a statement of two receptions
is($node->safe_psql('dst', q{
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
  VALUES ('1.000001', 'H22.02', '2026-03-09 15:00+07'), ('1.000002', 'H22.02', '2026-03-09 15:05+07')
  RETURNING code
}), "H22.02-260309-0004\nH22.02-260309-0005", 'the next receptions at a restored unit-day get the next numbers');
is($node->safe_psql('dst', q{SELECT last FROM tthc.dossier_counter WHERE unit = 'H22.02' AND day = '2026-03-09'}), '5',
  'and the counter moves past them');
$node->safe_psql('dst', q{
  SELECT tthc.transition('H22.01-260302-0001', 'returned', '2026-03-05 09:00+07');
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000001', 'H22.01', '2026-03-02 15:00+07');
});
is($node->safe_psql('dst', q{SELECT max(code) FROM tthc.dossier WHERE code LIKE 'H22.01-260302-%'}), 'H22.01-260302-0003',
  'numbering carries on after the restored counter');
is($node->safe_psql('dst', q{SELECT event_seq FROM tthc.dossier WHERE code = 'H22.01-260302-0001'}), '5',
  'the log carries on after the restored events');
my ($rc, $out, $err) = $node->psql('dst', q{INSERT INTO tthc.dossier_event (dossier_id, seq, at, kind, actor, recorded_at) VALUES (1, 99, now(), 'edit', 'x', now())});
like($err, qr/not allowed/, 'after the restore the log refuses INSERT again');
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.calendar_exception WHERE NOT shipped'),
  '3', 'the administrator\'s exceptions were restored once');
is($node->safe_psql('dst', q{SELECT count(*) FROM tthc.calendar_exception WHERE shipped}),
  $node->safe_psql('src', q{SELECT count(*) FROM tthc.calendar_exception WHERE shipped}),
  'the shipped rows come from CREATE EXTENSION, not from the dump');
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.verify_log()'), '0',
  'the event chains carry on intact after the restore');

$node->restart;
is($node->safe_psql('src', $probe), $before, 'same results after a server restart');

$node->stop;
done_testing();
