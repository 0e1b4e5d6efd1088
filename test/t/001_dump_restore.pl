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
#
# Money comes back as it was: fees, receipt series (next_no, last_issued_at),
# payments (a refund and a waiver among them) and receipts (one cancelled,
# one replaced, with the replacement); the control slips bind them
# (verify_log), and the next receipt of a restored series takes the next
# number, without a gap or a duplicate.
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
# money: fees of both procedures, a lệ phí series at each commune and a phí
# series at the province (which serves both communes); payments, a refund,
# a waiver, receipts of both kinds, one replaced and one cancelled
$node->safe_psql('src', q{
  UPDATE tthc.unit SET tax_code = '5700100256' WHERE code = 'H22';
  INSERT INTO tthc.fee (procedure_id, fee_code, kind, name, amount, stage, exempt, legal_reference)
  SELECT p.id, f.code, f.kind, f.name, f.amount, f.stage, f.exempt, 'NQ 12/2025/NQ-HĐND'
  FROM tthc.procedure p JOIN (VALUES
    ('1.000001', 'LP-BS', 'le_phi', 'Lệ phí cấp bản sao', 30000, 'reception', 'hộ nghèo'),
    ('1.000002', 'LP-GCN', 'le_phi', 'Lệ phí cấp giấy chứng nhận', 50000, 'result', NULL),
    ('1.000002', 'PHI-TD', 'phi', 'Phí thẩm định hồ sơ', 200000, 'reception', NULL)
  ) f(proc, code, kind, name, amount, stage, exempt) ON f.proc = p.code;
  INSERT INTO tthc.receipt_series (unit, template, symbol, kind, legal_reference) VALUES
    ('H22.01', '01BLP0-001', 'AA/26E', 'le_phi', 'NĐ 123/2020'),
    ('H22.02', '01BLP0-001', 'CC/26E', 'le_phi', NULL),
    ('H22', '02BLP0-001', 'BB/26E', 'phi', NULL);
  -- H22.01-260303-0001: both fees, one receipt of each kind (AA 1, BB 1)
  SELECT tthc.pay('H22.01-260303-0001', 'LP-GCN', 50000, 'portal', 'VNPAY-0001', '2026-03-06 15:10+07');
  SELECT tthc.pay('H22.01-260303-0001', 'PHI-TD', 200000, 'transfer', 'FT26065', '2026-03-06 15:11+07');
  SELECT tthc.issue_receipt('H22.01-260303-0001', '2026-03-06 15:20+07');
  -- H22.01-260303-0002: AA 2, replaced by AA 3 (the payer's name was wrong)
  SELECT tthc.pay('H22.01-260303-0002', 'LP-BS', 30000, 'cash', NULL, '2026-03-12 10:30+07');
  SELECT tthc.issue_receipt('H22.01-260303-0002', '2026-03-12 10:31+07', NULL, NULL, '{"name": "Phạm Văn Cơ"}');
  SELECT tthc.cancel_receipt('H22.01', '01BLP0-001', 'AA/26E', 2, 'sai tên người nộp', true, '2026-03-12 11:00+07',
                             '{"name": "Phạm Văn Công"}');
  -- H22.02-260309-0002: paid twice by mistake, refunded, paid again; CC 1, then cancelled
  SELECT tthc.pay('H22.02-260309-0002', 'LP-BS', 30000, 'cash', NULL, '2026-03-18 10:10+07');
  SELECT tthc.refund(max(id), 'nộp nhầm phương thức', NULL, '2026-03-18 10:20+07') FROM tthc.payment;
  SELECT tthc.pay('H22.02-260309-0002', 'LP-BS', 30000, 'qr', 'QR-8812', '2026-03-18 10:30+07');
  SELECT tthc.issue_receipt('H22.02-260309-0002', '2026-03-18 10:40+07');
  SELECT tthc.cancel_receipt('H22.02', '01BLP0-001', 'CC/26E', 1, 'lập nhầm', false, '2026-03-19 08:00+07');
  -- H22.01-260402-0001: the fee waived (nothing to receipt)
  SELECT tthc.waive('H22.01-260402-0001', 'LP-BS', 'hộ nghèo', '2026-04-03 10:00+07');
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
my $payments = q{
  SELECT string_agg(format('%s %s %s %s %s refund_of=%s', d.code, p.fee_code, p.amount, p.method, p.paid_at, p.refund_of),
                    ' | ' ORDER BY p.id)
  FROM tthc.payment p JOIN tthc.dossier d ON d.id = p.dossier_id
};
my $receipts = q{
  SELECT string_agg(format('%s %s %s %s %s %s%s', r.symbol, r.no, r.status, d.code, r.total, coalesce(r.payer_name, '-'),
                           coalesce(' replaced_by=' || (SELECT q.symbol || ' ' || q.no FROM tthc.receipt q WHERE q.id = r.replaced_by), '')),
                    ' | ' ORDER BY r.symbol, r.number)
  FROM tthc.receipt r JOIN tthc.dossier d ON d.id = r.dossier_id
};
my $series = q{
  SELECT string_agg(format('%s %s next_no=%s last_issued_at=%s', unit, symbol, next_no,
                           last_issued_at AT TIME ZONE 'Asia/Ho_Chi_Minh'), ' | ' ORDER BY symbol)
  FROM tthc.receipt_series
};
my $usage = q{
  SELECT string_agg(format('%s issued=%s cancelled=%s replaced=%s total=%s gaps=%s', symbol, issued, cancelled, replaced,
                           total_amount, gaps), ' | ' ORDER BY symbol)
  FROM tthc.receipt_usage('H22', '[2026-01-01,2027-01-01)')
};
is($node->safe_psql('src', q{SELECT count(*), count(*) FILTER (WHERE refund_of IS NOT NULL), count(*) FILTER (WHERE method = 'waived') FROM tthc.payment}),
  '7|1|1', 'the source has 7 payments, a refund and a waiver among them');
is($node->safe_psql('src', $receipts),
  'AA/26E 0000001 issued H22.01-260303-0001 50000 - | '
  . 'AA/26E 0000002 replaced H22.01-260303-0002 30000 Phạm Văn Cơ replaced_by=AA/26E 0000003 | '
  . 'AA/26E 0000003 issued H22.01-260303-0002 30000 Phạm Văn Công | '
  . 'BB/26E 0000001 issued H22.01-260303-0001 200000 - | '
  . 'CC/26E 0000001 cancelled H22.02-260309-0002 30000 -',
  'the source has receipts of three series, one replaced and one cancelled');
is($node->safe_psql('src', $usage),
  'AA/26E issued=3 cancelled=0 replaced=1 total=80000 gaps=0 | BB/26E issued=1 cancelled=0 replaced=0 total=200000 gaps=0 | '
  . 'CC/26E issued=1 cancelled=1 replaced=0 total=0 gaps=0',
  'the source\'s receipt-use report: no numbers missing');
is($node->safe_psql('src', $series),
  'H22.01 AA/26E next_no=4 last_issued_at=2026-03-12 11:00:00 | H22 BB/26E next_no=2 last_issued_at=2026-03-06 15:20:00 | '
  . 'H22.02 CC/26E next_no=2 last_issued_at=2026-03-18 10:40:00',
  'the source\'s series: the next numbers, the latest receipts\' times');

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
  [ 'tthc.fee', 'SELECT * FROM tthc.fee ORDER BY procedure_id, fee_code' ],
  [ 'tthc.receipt_series', 'SELECT * FROM tthc.receipt_series ORDER BY unit, template, symbol' ],
  [ 'tthc.payment', 'SELECT * FROM tthc.payment ORDER BY id' ],
  [ 'tthc.receipt', 'SELECT * FROM tthc.receipt ORDER BY id' ],
  [ 'the payments', $payments ],
  [ 'the receipts (numbers, status, replacements)', $receipts ],
  [ 'the receipt series (next_no, last_issued_at)', $series ],
  [ 'receipt_usage(H22, 2026)', $usage ],
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
# receipts carry on after the restored series: the next numbers, no gap, no
# duplicate; payments and receipts take the next ids
my $ids = q{SELECT (SELECT max(id) FROM tthc.payment), (SELECT max(id) FROM tthc.receipt)};
my ($max_payment, $max_receipt) = split /\|/, $node->safe_psql('dst', $ids);
$node->safe_psql('dst', q{
  SELECT tthc.pay('H22.01-260302-0002', 'LP-BS', 30000, 'cash', NULL, '2026-04-10 09:00+07');
  SELECT tthc.pay('H22.02-260401-0001', 'PHI-TD', 200000, 'card', NULL, '2026-04-10 10:00+07');
  SELECT tthc.pay('H22.02-260401-0001', 'LP-GCN', 50000, 'portal', 'VNPAY-0002', '2026-04-10 10:01+07');
});
is($node->safe_psql('dst', q{
  SELECT string_agg(symbol || ' ' || no || ' ' || status, ' | ' ORDER BY symbol)
  FROM tthc.issue_receipt('H22.01-260302-0002', '2026-04-10 09:05+07');
}), 'AA/26E 0000004 issued', 'a receipt issued after the restore takes the next number of its series');
is($node->safe_psql('dst', q{
  SELECT string_agg(symbol || ' ' || no || ' ' || status, ' | ' ORDER BY symbol)
  FROM tthc.issue_receipt('H22.02-260401-0001', '2026-04-10 10:05+07');
}), 'BB/26E 0000002 issued | CC/26E 0000002 issued',
  'and so do receipts of the other series (the cancelled number 1 is not taken again)');
is($node->safe_psql('dst', q{
  SELECT r.symbol || ' ' || r.no || ' ' || r.status || ' replaces ' || q.no
  FROM tthc.cancel_receipt('H22.01', '01BLP0-001', 'AA/26E', 3, 'sai địa chỉ', true, '2026-04-10 11:00+07') r
  JOIN tthc.receipt q ON q.id = r.replaces
}), 'AA/26E 0000005 issued replaces 0000003', 'a restored receipt replaced after the restore: the next number');
is($node->safe_psql('dst', $ids), ($max_payment + 3) . '|' . ($max_receipt + 4),
  'payments and receipts after the restore take the next ids');
is($node->safe_psql('dst', $series),
  'H22.01 AA/26E next_no=6 last_issued_at=2026-04-10 11:00:00 | H22 BB/26E next_no=3 last_issued_at=2026-04-10 10:05:00 | '
  . 'H22.02 CC/26E next_no=3 last_issued_at=2026-04-10 10:05:00',
  'the series move on from the restored next_no');
is($node->safe_psql('dst', q{
  SELECT string_agg(format('%s %s..%s', symbol, lo, hi), ' | ' ORDER BY symbol)
  FROM (SELECT symbol, min(number) AS lo, max(number) AS hi FROM tthc.receipt GROUP BY symbol
        HAVING min(number) = 1 AND max(number) = count(*) AND count(DISTINCT number) = count(*)) s
}), 'AA/26E 1..5 | BB/26E 1..2 | CC/26E 1..2', 'each series numbered 1..N, each number once');
is($node->safe_psql('dst', $usage),
  'AA/26E issued=5 cancelled=0 replaced=2 total=110000 gaps=0 | BB/26E issued=2 cancelled=0 replaced=0 total=400000 gaps=0 | '
  . 'CC/26E issued=2 cancelled=1 replaced=0 total=50000 gaps=0',
  'the receipt-use report after the restore: no numbers missing');
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.verify_log()'), '0',
  'the event chains carry on intact after the restore');

$node->restart;
is($node->safe_psql('src', $probe), $before, 'same results after a server restart');

$node->stop;
done_testing();
