# pg_dump keeps the calendars an administrator added, not the rows the
# extension ships; a restored database computes the same deadlines, and so
# does a restarted server.
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
});

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
is($node->safe_psql('dst', 'SELECT count(*) FROM tthc.calendar_exception WHERE NOT shipped'),
  '3', 'the administrator\'s exceptions were restored once');
is($node->safe_psql('dst', q{SELECT count(*) FROM tthc.calendar_exception WHERE shipped}),
  $node->safe_psql('src', q{SELECT count(*) FROM tthc.calendar_exception WHERE shipped}),
  'the shipped rows come from CREATE EXTENSION, not from the dump');

$node->restart;
is($node->safe_psql('src', $probe), $before, 'same results after a server restart');

$node->stop;
done_testing();
