# The SLA background worker ("tthc sla worker"): it starts with a server that
# preloads tthc, waits quietly for CREATE EXTENSION and for a version that has
# tthc.sweep, sweeps every tthc.sweep_interval (flagging an overdue dossier
# and notifying a listener), survives an error or a cancel in one sweep, can
# be switched off with a reload, comes back after pg_terminate_backend and
# after a restart, does not run on a standby, and is absent without the
# preload.  Sweeps are counted by tthc.sweep_state.runs.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);

my $worker = q{FROM pg_stat_activity WHERE backend_type = 'tthc sla worker'};

my $node = PostgreSQL::Test::Cluster->new('sla');
$node->init(allows_streaming => 1);
$node->append_conf('postgresql.conf', q{
shared_preload_libraries = 'tthc'
tthc.database = 'postgres'
tthc.sweep_interval = '1s'
});
$node->start;

# ---------- before CREATE EXTENSION ----------

ok($node->poll_query_until('postgres', "SELECT count(*) = 1 AND bool_and(datname = 'postgres') $worker"),
  'the worker starts with the server, in tthc.database');
$node->wait_for_log(qr/extension tthc is not installed in database "postgres"/);
# a few more iterations: query_start moves at each one
my $t0 = $node->safe_psql('postgres', "SELECT query_start $worker");
ok($node->poll_query_until('postgres', "SELECT query_start > '$t0'::timestamptz + interval '2 s' $worker"),
  'the worker keeps checking for the extension');
my @waiting = (slurp_file($node->logfile) =~ /extension tthc is not installed/g);
is(scalar @waiting, 1, 'a missing extension is logged once, not at every interval');

# ---------- a version without tthc.sweep, then sweeping ----------

my $offset = -s $node->logfile;
$node->safe_psql('postgres', q{CREATE EXTENSION tthc VERSION '0.2.0'});
$node->wait_for_log(qr/extension tthc in database "postgres" has no function tthc\.sweep/, $offset);
$node->safe_psql('postgres', 'ALTER EXTENSION tthc UPDATE');

my $runs_sql = q{SELECT coalesce((SELECT runs FROM tthc.sweep_state), 0)};

# runs: how many sweeps $n has recorded
sub runs
{
	my ($n) = @_;
	return $n->safe_psql('postgres', $runs_sql);
}

# sweeps_after: wait until $n has recorded at least $more sweeps after $since
sub sweeps_after
{
	my ($n, $since, $more) = @_;
	return $n->poll_query_until('postgres', "SELECT ($runs_sql) >= $since + $more");
}

$node->wait_for_log(qr/tthc sla worker is sweeping database "postgres"/, $offset);
ok(sweeps_after($node, 0, 2), 'the worker sweeps once the extension has tthc.sweep');
my $pid = $node->safe_psql('postgres', "SELECT pid $worker");

# a dossier long past its deadline: the worker flags it, logs it at LOG and
# its NOTIFY reaches a listener, sent by the worker's own process
my $listener = $node->background_psql('postgres');
$listener->query_safe('LISTEN tthc_overdue');
$offset = -s $node->logfile;
$node->safe_psql('postgres', q{
  INSERT INTO tthc.unit (code, name, level) VALUES ('H22.01', 'phường', 'commune');
  INSERT INTO tthc.procedure (code, name, time_limit) VALUES ('1.000009', 'bốn giờ', '4 working hours');
  INSERT INTO tthc.dossier (procedure_code, receiving_unit, received_at)
  VALUES ('1.000009', 'H22.01', '2025-03-03 08:00+07');
  SELECT tthc.transition('H22.01-250303-0001', 'processing', '2025-03-03 08:30+07');
});
ok($node->poll_query_until('postgres',
  q{SELECT overdue_since = due_at FROM tthc.dossier WHERE code = 'H22.01-250303-0001'}),
  'the worker flags an overdue dossier by itself');
$node->wait_for_log(qr/LOG:  tthc sla worker swept database "postgres": 1 overdue, 0 due soon/, $offset);
like($listener->query_safe('SELECT 1'),
  qr/Asynchronous notification "tthc_overdue" with payload "[^\n]*H22\.01-250303-0001[^\n]*" received from server process with PID $pid\./,
  'the listener is notified by the worker');
$listener->quit;

# ---------- an error in one sweep ----------

# A trigger on tthc.sweep_state, which every sweep that takes the lease
# writes, fails the sweep (or makes it hang) whatever dossiers exist.
$node->safe_psql('postgres', qq{
  CREATE TABLE public.sweep_break (how text NOT NULL);
  CREATE FUNCTION public.sweep_breaker() RETURNS trigger LANGUAGE plpgsql AS \$\$
  BEGIN
    IF EXISTS (SELECT FROM public.sweep_break WHERE how = 'sleep') THEN
      PERFORM pg_sleep(300);
    END IF;
    IF EXISTS (SELECT FROM public.sweep_break WHERE how = 'fail') THEN
      RAISE EXCEPTION 'sweep broken on purpose';
    END IF;
    RETURN NEW;
  END \$\$;
  CREATE TRIGGER sweep_breaker BEFORE INSERT OR UPDATE ON tthc.sweep_state
    FOR EACH ROW EXECUTE FUNCTION public.sweep_breaker();
});

# the error, with the context line naming the worker at the end of its CONTEXT
my $failed = qr/ERROR:  sweep broken on purpose\n[^\n]*CONTEXT: [^\n]*\n(?:\t[^\n]*\n)*?\ttthc sla worker in database "postgres"\n/;
$offset = -s $node->logfile;
$node->safe_psql('postgres', q{INSERT INTO public.sweep_break VALUES ('fail')});
$offset = $node->wait_for_log($failed, $offset);
ok(1, 'an error in a sweep is logged, saying it comes from the worker');
$node->wait_for_log($failed, $offset);
is($node->safe_psql('postgres', "SELECT pid $worker"), $pid,
  'after an error the same worker process sweeps again');
my $before = runs($node);
$node->safe_psql('postgres', 'DELETE FROM public.sweep_break');
ok(sweeps_after($node, $before, 2), 'sweeps succeed again once the error is gone');

# a sweep cancelled with pg_cancel_backend is an error like any other
$node->safe_psql('postgres', q{INSERT INTO public.sweep_break VALUES ('sleep')});
ok($node->poll_query_until('postgres', "SELECT wait_event = 'PgSleep' $worker"),
  'a sweep is stuck in the trigger');
$offset = -s $node->logfile;
$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
$node->wait_for_log(qr/ERROR:  canceling statement due to user request/, $offset);
$before = runs($node);
$node->safe_psql('postgres', 'DELETE FROM public.sweep_break');
ok(sweeps_after($node, $before, 2), 'the worker sweeps again after a cancelled sweep');
is($node->safe_psql('postgres', "SELECT pid $worker"), $pid, 'a cancel does not end the worker');

# ---------- tthc.worker_enabled ----------

$offset = -s $node->logfile;
$node->safe_psql('postgres', 'ALTER SYSTEM SET tthc.worker_enabled = off');
$node->reload;
$node->wait_for_log(qr/tthc sla worker is disabled by tthc\.worker_enabled/, $offset);
$before = runs($node);
# three intervals pass: with the switch on, three sweeps would be recorded
my $now = $node->safe_psql('postgres', 'SELECT clock_timestamp()');
$node->poll_query_until('postgres', "SELECT clock_timestamp() > '$now'::timestamptz + interval '3 s'");
is(runs($node), $before, 'no sweep while tthc.worker_enabled is off');
is($node->safe_psql('postgres', "SELECT pid $worker"), $pid, 'a disabled worker stays connected');

$offset = -s $node->logfile;
$node->safe_psql('postgres', 'ALTER SYSTEM RESET tthc.worker_enabled');
$node->reload;
$node->wait_for_log(qr/tthc sla worker is enabled by tthc\.worker_enabled/, $offset);
ok(sweeps_after($node, $before, 1), 'sweeping resumes when it is switched on again');

# ---------- termination and restart ----------

my $started = time;
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
ok($node->poll_query_until('postgres', "SELECT count(*) = 1 AND bool_and(pid <> $pid) $worker"),
  'the postmaster starts the worker again after pg_terminate_backend');
note(sprintf('worker back after %.1f s', time - $started));
$before = runs($node);
ok(sweeps_after($node, $before, 1), 'the restarted worker sweeps');

$node->restart;
ok($node->poll_query_until('postgres', "SELECT count(*) = 1 $worker"),
  'the worker is back after a server restart');
$before = runs($node);
ok(sweeps_after($node, $before, 1), 'and sweeps');

# ---------- standby ----------

$node->backup('base');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($node, 'base', has_streaming => 1);
$standby->start;
$node->wait_for_catchup($standby);
$before = runs($node);
ok(sweeps_after($node, $before, 1), 'the primary sweeps');
$node->wait_for_catchup($standby);
is($standby->safe_psql('postgres', "SELECT count(*) $worker"), '0',
  'no worker on a standby');
$node->stop;
$standby->promote;
ok($standby->poll_query_until('postgres', "SELECT count(*) = 1 $worker"),
  'the worker starts when the standby is promoted');
$before = runs($standby);
ok(sweeps_after($standby, $before, 1), 'and sweeps there');
$standby->stop;

# ---------- without the preload ----------

my $plain = PostgreSQL::Test::Cluster->new('plain');
$plain->init;
$plain->start;
$plain->safe_psql('postgres', 'CREATE EXTENSION tthc');
is($plain->safe_psql('postgres', "LOAD 'tthc'; SHOW tthc.sweep_interval"), '1min',
  'without the preload the interval is still a known setting');
my ($ret, $out, $err) = $plain->psql('postgres', "LOAD 'tthc'; SHOW tthc.database");
like($err, qr/unrecognized configuration parameter "tthc.database"/,
  'tthc.database exists only with the preload');
is($plain->safe_psql('postgres', "SELECT count(*) $worker"), '0', 'and no worker runs');
is($plain->safe_psql('postgres', 'SELECT count(*) FROM tthc.sweep()'), '1',
  'tthc.sweep() works without the worker');
$plain->stop;

done_testing();
