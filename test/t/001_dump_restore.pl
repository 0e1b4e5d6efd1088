# pg_dump keeps the calendars an administrator added, not the rows the
# extension ships; a restored database computes the same deadlines, and so
# does a restarted server.  Dossiers come back as they were, with their
# event logs, numbers and report sums, and carry on.
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

my $dump = $node->basedir . '/src.dump';
command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ],
  'pg_restore without errors (no duplicate shipped rows)');

is($node->safe_psql('dst', $probe), $before, 'the restored database computes the same results');
is($node->safe_psql('dst', $dossiers), $node->safe_psql('src', $dossiers), 'dossiers are restored as they were');
is($node->safe_psql('dst', $events), $node->safe_psql('src', $events), 'and so are their event logs');
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.apology'), '1', 'and their apologies');
my $report = q{SELECT * FROM tthc.report('H22.01', '[2026-01-01,2027-01-01)')};
is($node->safe_psql('dst', $report), $node->safe_psql('src', $report), 'and the report sums, counted once');
$node->safe_psql('dst', q{
  SELECT tthc.transition('H22.01-260302-0001', 'returned', '2026-03-05 09:00+07');
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at) VALUES ('1.000001', 'H22.01', '2026-03-02 15:00+07');
});
is($node->safe_psql('dst', q{SELECT max(code) FROM tthc.dossier}), 'H22.01-260302-0003',
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

$node->restart;
is($node->safe_psql('src', $probe), $before, 'same results after a server restart');

$node->stop;
done_testing();
