#!/usr/bin/perl
# test/portal_double.pl: a test double of the national public-service portal
# (DVCQG) as the one-stop systems' adapter serves it, for tthc-sync's tests.
#
# One process, one select loop, every connection non-blocking: a connection
# held open to simulate a timeout never stops the others.  State lives in
# memory; GET /_state returns it and --state FILE gets it written whenever
# the double is idle after a change (and at exit).
#
# The portal (see the spec of issue 15 and domain.md section 11):
#   POST /auth  {"username", "password"}            -> {"error_code": 0, "session"}
#   POST /      {"session", "madonvi", "service", ...}
#     DongBoHoSoMC        {"isUpdating": "True"|"False", "data": [record...]}
#     CapNhatTienDoHoSoMC {"data": [progress...]}     at most 10
#     LayHoSoMoiMC        {}                        -> {"data": [record...]} (unconfirmed)
#     XacNhanHoSoMC       {"data": ["MaHoSo"...]}
#     TraCuuHoSo          {"mahoso"}                -> {"data": record}
#   A field rule broken: {"error_code": "1", "message": "<field>: <rule>"},
#   nothing of the call stored.
#
# Not the portal (tests only):
#   POST /_control {...}  faults and setup, any of
#     fail_next N [status S]   answer HTTP S (500) to the next N service calls
#     fail_every K             ... and to every K-th service call from now on (0: off)
#     timeout_next N           hold the next N service calls unanswered (not processed)
#     timeout_every K          ... every K-th service call
#     lost_reply_next N        process the next N service calls, then hold their reply
#     lost_reply_every K       ... every K-th service call
#     hold SECONDS             how long a held connection stays open (default --hold)
#     delay SECONDS            answer every service call this late (processed at once;
#                              its progress counts as answered when the reply leaves)
#     exists_next N            answer "Hồ sơ đã tồn tại" to the next N DongBoHoSoMC creations
#     exists_message TEXT      ... with this message instead (e.g. "Đã tồn tại hồ sơ")
#     expire_sessions true     every session issued so far expires (401)
#     expire_every K           expire every session after each K-th accepted service call
#                              (counted from this control on)
#     reject_sessions true     answer 401 to every service call, even in a session just opened
#     auth_refuse true|false   refuse every login ("Sai tên đăng nhập hoặc mật khẩu");
#                              false also ends auth_refuse_after
#     auth_refuse_after N      accept N more logins, then refuse every one
#     auth_echo body|message   answer a login with HTTP 400 and the request itself, or
#                              with a refusal whose message quotes the password (null: off)
#     redirect URL             answer every service call with HTTP 302 to URL (null: off)
#     reply_raw {status, body | body_hex} or a list of them
#                              answer the next service calls, one each, with exactly this
#                              (status 200 unless given; body_hex for bytes that are not
#                              UTF-8); the calls are not processed (null: clear the list)
#     down true|false          close every portal connection without an answer
#     down_for SECONDS         down now, up again after SECONDS
#     down_after N             go down (for down_for seconds, or until "down": false)
#                              after N more service calls
#     enqueue [record...]      new online dossiers LayHoSoMoiMC offers
#     reset true               forget everything (dossiers, progress, log, faults, inbox)
#   GET /_state[?brief=1[&log_from=N]]  the state as JSON (brief: without dossiers and
#                            progress, and with the log from entry N on only)
#
# What the state records: dossiers by MaHoSo (record, times created and
# updated), the progress of each MaHoSo in arrival order, a log of every
# accepted service call (service, MaHoSo's, session), rejected calls counted
# by reason, and "violations": what a correct client never causes:
#   duplicate     a progress record whose (MaHoSo, ThoiDiemXuLy, NoiDungXuLy,
#                 TrangThai) equals one the double already answered success to
#                 (a resend of one whose answer was lost is "redelivered", not this);
#                 either way the portal keeps one copy: the progress list holds no
#                 duplicates, and "index" says which of the dossier's records it was
#                 (its event's seq, when all went in order).  A client killed between
#                 the portal's answer and its own acknowledgement resends legitimately:
#                 the test knows which events tthc had acknowledged
#   out_of_order  ThoiDiemXuLy earlier than the dossier's last one (refused)
#   no_record     progress of a dossier the double has no record of (refused)
#   interleaved   two live sessions sending calls for one MaHoSo within
#                 --overlap-window seconds of each other
# Exits cleanly (state written) on SIGTERM or SIGINT, and when the process that
# started it is gone (a test that died leaves no double behind).
use strict;
use utf8;
use warnings;
use IO::Socket::INET;
use IO::Select;
use JSON::PP;
use Getopt::Long;
use POSIX qw(:errno_h);
use Time::HiRes qw(time);
use B ();

my %opt = (port => 0, user => 'tthc', secret => 'secret', unit => '000.00.00.H22',
	hold => 30, 'overlap-window' => 0.5, 'session-ttl' => 0);
utf8::decode($_) for @ARGV;    # a secret or unit in Vietnamese compares with the JSON's characters
GetOptions(\%opt, 'port=i', 'user=s', 'secret=s', 'unit=s', 'state=s', 'hold=f',
	'overlap-window=f', 'session-ttl=f', 'log=s', 'verbose!')
  or die "usage: $0 --port N [--user U --secret S --unit MADONVI --state FILE --hold SEC --overlap-window SEC]\n";

my $json = JSON::PP->new->utf8->canonical;
my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $opt{port},
	Proto => 'tcp', Listen => 128, ReuseAddr => 1, Blocking => 0)
  or die "portal_double: cannot listen on 127.0.0.1:$opt{port}: $!\n";
$| = 1;
print 'port=', $listen->sockport, "\n";
my $logfh;
if ($opt{log}) { open($logfh, '>>', $opt{log}) or die "cannot open $opt{log}: $!\n"; $logfh->autoflush(1); }

sub say_log { my $l = sprintf("%.3f %s\n", time, join(' ', map { my $x = $_ // ''; utf8::encode($x) if utf8::is_utf8($x); $x } @_)); print STDERR $l if $opt{verbose}; print $logfh $l if $logfh; }

# ---------- state ----------

my (%dossier, %progress, %pmeta, @log, %rejected, @violations, $redelivered, @inbox, %last_call);
my (%session, $calls, $sessions_issued, %fault, $dirty);
my @touched;    # the progress entries the current call stored or took back

sub reset_state
{
	%dossier = (); %progress = (); %pmeta = (); @log = (); %rejected = (); @violations = ();
	$redelivered = 0; @inbox = (); %last_call = (); %session = (); $calls = 0; $sessions_issued = 0;
	%fault = (status => 500, hold => $opt{hold});
	$dirty = 1;
}
reset_state();

sub state_json
{
	my ($brief, $log_from) = @_;
	my %s = (
		calls => $calls, sessions_issued => $sessions_issued, rejected => \%rejected,
		violations => \@violations, redelivered => $redelivered,
		dossier_count => scalar(keys %dossier), log_count => scalar(@log),
		progress_count => do { my $n = 0; $n += @$_ for values %progress; $n },
		inbox => [ map { { MaHoSo => $_->{record}{MaHoSo}, confirmed => $_->{confirmed} ? JSON::PP::true : JSON::PP::false,
		                   offered => $_->{offered} } } @inbox ],
		faults => faults(),
		down => is_down() ? JSON::PP::true : JSON::PP::false);
	if ($brief) {
		$s{log} = [ @log[ $log_from .. $#log ] ] if defined $log_from && $log_from =~ /^\d+$/;
	}
	else {
		$s{dossiers} = \%dossier;
		$s{progress} = \%progress;
		$s{log} = \@log;
	}
	return $json->encode(\%s);
}

sub dump_state
{
	return unless $opt{state} && $dirty;
	my $tmp = "$opt{state}.tmp";
	if (open(my $fh, '>', $tmp)) {
		print $fh state_json(0);
		close $fh;
		rename $tmp, $opt{state};
	}
	$dirty = 0;
}

sub is_down
{
	return 0 unless $fault{down};
	if ($fault{down_until} && time >= $fault{down_until}) {
		delete $fault{down}; delete $fault{down_until};
		say_log('up again');
		return 0;
	}
	return 1;
}

# the faults in force, for the state (a raw reply counted, not shown)
sub faults
{
	return { map { ($_ => $_ eq 'reply_raw' ? scalar @{ $fault{$_} } : $fault{$_}) } grep { defined $fault{$_} } sort keys %fault };
}

sub reject { my ($reason) = @_; $rejected{$reason}++; $dirty = 1; }
sub violation { my (%v) = @_; $v{t} = sprintf('%.3f', time); push @violations, \%v; $dirty = 1; say_log('VIOLATION', $json->encode(\%v)); }

# ---------- field rules ----------

sub is_str { my ($v) = @_; return defined $v && !ref $v && (B::svref_2object(\$v)->FLAGS & B::SVp_POK); }
sub is_num { my ($v) = @_; return defined $v && !ref $v && !(B::svref_2object(\$v)->FLAGS & B::SVp_POK)
	&& (B::svref_2object(\$v)->FLAGS & (B::SVp_IOK | B::SVp_NOK)); }
sub nonblank { my ($v) = @_; return is_str($v) && $v =~ /\S/; }
# an integer given as a JSON number or a string of digits, within a set
sub int_in { my ($v, @ok) = @_; return 0 unless defined $v && !ref $v && "$v" =~ /^[0-9]{1,3}$/;
	return scalar grep { $_ == $v } @ok; }

my @dim = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31);
sub portal_time_ok
{
	my ($v) = @_;
	return 0 unless is_str($v) && $v =~ /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$/;
	my ($y, $m, $d, $h, $i, $s) = ($1, $2, $3, $4, $5, $6);
	return 0 if $y < 1900 || $y > 2100 || $m < 1 || $m > 12 || $h > 23 || $i > 59 || $s > 59 || $d < 1;
	my $days = $dim[$m] + ($m == 2 && ($y % 4 == 0 && ($y % 100 != 0 || $y % 400 == 0)) ? 1 : 0);
	return $d <= $days;
}

# every Ngay* field, at any depth, present and non-null: 14 digits, a real time
sub check_times
{
	my ($v, $path) = @_;
	if (ref $v eq 'HASH') {
		for my $k (sort keys %$v) {
			my $p = $path eq '' ? $k : "$path.$k";
			if ($k =~ /^Ngay/ && defined $v->{$k}) {
				return "$p: yyyyMMddHHmmss, a valid date and time" unless portal_time_ok($v->{$k});
			}
			elsif (ref $v->{$k}) {
				my $e = check_times($v->{$k}, $p);
				return $e if $e;
			}
		}
	}
	elsif (ref $v eq 'ARRAY') {
		for my $i (0 .. $#$v) {
			my $e = check_times($v->[$i], "${path}[$i]");
			return $e if $e;
		}
	}
	return undef;
}

sub opt_str { my ($r, $f) = @_; return defined $r->{$f} && !is_str($r->{$f}) ? "$f: a string" : undef; }

# the first broken rule of a dossier record, or undef
sub check_record
{
	my ($r) = @_;
	return 'data[]: an object' unless ref $r eq 'HASH';
	return 'MaHoSo: required, a non-empty string' unless nonblank($r->{MaHoSo});
	return 'MaTTHC: required, ^[0-9]\.[0-9]{6}(\.[0-9A-Z]+)*$'
	  unless is_str($r->{MaTTHC}) && $r->{MaTTHC} =~ /^[0-9]\.[0-9]{6}(\.[0-9A-Z]+)*$/;
	return 'TenTTHC: required, a non-empty string' unless nonblank($r->{TenTTHC});
	return 'KenhThucHien: required, 1, 2 or 3' unless int_in($r->{KenhThucHien}, 1, 2, 3);
	return 'ChuHoSo: required, a non-empty string' unless nonblank($r->{ChuHoSo});
	return 'TrangThaiHoSo: required, 1 to 10' unless int_in($r->{TrangThaiHoSo}, 1 .. 10);
	return 'NgayTiepNhan: required unless TrangThaiHoSo is 1 or 3'
	  unless defined $r->{NgayTiepNhan} || int_in($r->{TrangThaiHoSo}, 1, 3);
	return 'NgayNopHoSo: required when KenhThucHien is 2'
	  if !defined $r->{NgayNopHoSo} && int_in($r->{KenhThucHien}, 2);
	return 'DonViXuLy: required, a non-empty string' unless nonblank($r->{DonViXuLy});
	for my $f (qw(TenLinhVuc MaLinhVuc SoGiayToChuHoSo SoDienThoai Email GhiChu MaDoiTuong)) {
		my $e = opt_str($r, $f);
		return $e if $e;
	}
	if (defined $r->{DinhDanhCHS}) {
		return 'DinhDanhCHS: a list' unless ref $r->{DinhDanhCHS} eq 'ARRAY';
		for my $i (0 .. $#{ $r->{DinhDanhCHS} }) {
			my $x = $r->{DinhDanhCHS}[$i];
			return "DinhDanhCHS[$i]: an object" unless ref $x eq 'HASH';
			return "DinhDanhCHS[$i].LoaiDinhDanh: 1 or 2" unless int_in($x->{LoaiDinhDanh}, 1, 2);
			return "DinhDanhCHS[$i].SoDinhDanh: required, a non-empty string" unless nonblank($x->{SoDinhDanh});
		}
	}
	return 'LoaiDoiTuong: 1 to 4' if defined $r->{LoaiDoiTuong} && !int_in($r->{LoaiDoiTuong}, 1 .. 4);
	if (defined $r->{TrichYeuHoSo}) {
		return 'TrichYeuHoSo: a string' unless is_str($r->{TrichYeuHoSo});
		return 'TrichYeuHoSo: at most 1000 characters' if length($r->{TrichYeuHoSo}) > 1000;
	}
	for my $f (qw(HinhThuc HoSoCoThanhPhanSoHoa DuocThanhToanTrucTuyen)) {
		return "$f: 0 or 1" if defined $r->{$f} && !int_in($r->{$f}, 0, 1);
	}
	for my $f (qw(DanhSachLePhi DanhSachHoSoBoSung DanhSachGiayToKetQua)) {
		return "$f: a list" if defined $r->{$f} && ref $r->{$f} ne 'ARRAY';
	}
	for my $i (0 .. $#{ $r->{DanhSachHoSoBoSung} // [] }) {
		return "DanhSachHoSoBoSung[$i]: an object" unless ref $r->{DanhSachHoSoBoSung}[$i] eq 'HASH';
	}
	return check_times($r, '');
}

# the first broken rule of a progress record, or undef
sub check_progress
{
	my ($p) = @_;
	return 'data[]: an object' unless ref $p eq 'HASH';
	return 'MaHoSo: required, a non-empty string' unless nonblank($p->{MaHoSo});
	return 'NguoiXuLy: required, a non-empty string' unless nonblank($p->{NguoiXuLy});
	return 'NguoiXuLy: at most 50 characters' if length($p->{NguoiXuLy}) > 50;
	my $e = opt_str($p, 'ChucDanh');
	return $e if $e;
	return 'ThoiDiemXuLy: required, yyyyMMddHHmmss' unless portal_time_ok($p->{ThoiDiemXuLy});
	return 'PhongBanXuLy: required, a non-empty string' unless nonblank($p->{PhongBanXuLy});
	return 'NoiDungXuLy: required, a non-empty string' unless nonblank($p->{NoiDungXuLy});
	return 'TrangThai: required, 1 to 10' unless int_in($p->{TrangThai}, 1 .. 10);
	return 'NgayBatDau: required, yyyyMMddHHmmss' unless portal_time_ok($p->{NgayBatDau});
	return 'NgayKetThucTheoQuyDinh: yyyyMMddHHmmss or null'
	  if defined $p->{NgayKetThucTheoQuyDinh} && !portal_time_ok($p->{NgayKetThucTheoQuyDinh});
	return undef;
}

sub pkey { my ($p) = @_; return join("\x1f", map { $p->{$_} // '' } qw(MaHoSo ThoiDiemXuLy NoiDungXuLy TrangThai)); }

# ---------- the portal ----------

sub ok_reply { return { error_code => 0, message => 'Thành công', @_ }; }
sub err_reply { my ($code, $msg) = @_; return { error_code => $code, message => $msg }; }

sub session_live
{
	my ($s) = @_;
	my $x = $session{$s // ''} or return 0;
	return 0 if $x->{expired};
	return 0 if $opt{'session-ttl'} > 0 && time - $x->{at} > $opt{'session-ttl'};
	return 1;
}

sub do_auth
{
	my ($body) = @_;
	my $r = eval { $json->decode($body) };
	if (ref $r ne 'HASH') { reject('bad_json'); return err_reply('-1', 'Dữ liệu không hợp lệ'); }
	if (($fault{auth_echo} // '') eq 'message') {
		reject('auth_echo');
		return err_reply('-1', 'Sai mật khẩu: ' . ($r->{password} // ''));
	}
	if (($r->{username} // '') ne $opt{user} || ($r->{password} // '') ne $opt{secret}) {
		reject('auth');
		return err_reply('-1', 'Sai tên đăng nhập hoặc mật khẩu');
	}
	if ($fault{auth_refuse} || (defined $fault{auth_refuse_after} && $fault{auth_refuse_after}-- <= 0)) {
		reject('auth_refused');
		say_log('auth refused');
		return err_reply('-1', 'Sai tên đăng nhập hoặc mật khẩu');
	}
	my $s = sprintf('%08x%08x%04x', int(rand(2**32)), int(rand(2**32)), ++$sessions_issued);
	$session{$s} = { at => time };
	$dirty = 1;
	say_log('auth', $s);
	return { error_code => 0, session => $s };
}

# the calls of one MaHoSo by two live sessions close together
sub touch
{
	my ($m, $s, $service) = @_;
	my $now = time;
	my $prev = $last_call{$m};
	if ($prev && $prev->{session} ne $s && session_live($prev->{session}) && $now - $prev->{t} < $opt{'overlap-window'}) {
		violation(kind => 'interleaved', MaHoSo => $m, detail => "$service by session $s "
			. sprintf('%.3f', $now - $prev->{t}) . " s after $prev->{service} by session $prev->{session}");
	}
	$last_call{$m} = { session => $s, t => $now, service => $service };
}

sub accepted
{
	my ($r, $mahoso, %extra) = @_;
	push @log, { t => sprintf('%.3f', time), service => $r->{service}, session => $r->{session},
		MaHoSo => $mahoso, %extra };
	if ($fault{expire_every} && $fault{expire_every} > 0 && ($fault{accepted_calls} = ($fault{accepted_calls} // 0) + 1) % $fault{expire_every} == 0) {
		$_->{expired} = 1 for values %session;
		say_log('sessions expired (expire_every)');
	}
	$dirty = 1;
}

sub svc_record
{
	my ($r, $call) = @_;
	my $upd = $r->{isUpdating};
	unless (is_str($upd) && ($upd eq 'True' || $upd eq 'False')) {
		reject('field');
		return err_reply('1', 'isUpdating: "True" or "False"');
	}
	my $data = $r->{data};
	unless (ref $data eq 'ARRAY' && @$data >= 1 && @$data <= 10) {
		reject('field');
		return err_reply('1', 'data: a list of 1 to 10 dossier records');
	}
	for my $rec (@$data) {
		if (my $e = check_record($rec)) {
			reject('field');
			say_log('refused record', ref $rec eq 'HASH' ? $rec->{MaHoSo} // '?' : '?', $e);
			return err_reply('1', $e);
		}
	}
	if ($upd eq 'False') {
		if ($fault{exists_next} && $fault{exists_next} > 0) {
			$fault{exists_next}--;
			reject('exists');
			return err_reply('-3', $fault{exists_message} // 'Hồ sơ đã tồn tại');
		}
		for my $rec (@$data) {
			if ($dossier{ $rec->{MaHoSo} }) {
				reject('exists');
				return err_reply('-3', "Hồ sơ đã tồn tại: $rec->{MaHoSo}");
			}
		}
	}
	for my $rec (@$data) {
		my $m = $rec->{MaHoSo};
		touch($m, $r->{session}, 'DongBoHoSoMC');
		my $d = $dossier{$m} //= { created => 0, updated => 0 };
		if ($d->{record}) { $d->{updated}++; } else { $d->{created}++; }
		$d->{record} = $rec;
		$progress{$m} //= [];
	}
	accepted($r, [ map { $_->{MaHoSo} } @$data ], isUpdating => $upd);
	return ok_reply();
}

sub svc_progress
{
	my ($r, $call) = @_;
	my $data = $r->{data};
	unless (ref $data eq 'ARRAY' && @$data >= 1) {
		reject('field');
		return err_reply('1', 'data: a list of 1 to 10 progress records');
	}
	if (@$data > 10) {
		reject('too_many');
		return err_reply('1', 'data: at most 10 progress records per call, not ' . scalar(@$data));
	}
	for my $p (@$data) {
		if (my $e = check_progress($p)) {
			reject('field');
			say_log('refused progress', ref $p eq 'HASH' ? $p->{MaHoSo} // '?' : '?', $e);
			return err_reply('1', $e);
		}
	}
	my %seen_in_call;
	my @store;      # [record, key] to append
	my %last;       # the latest ThoiDiemXuLy per MaHoSo, this call included
	for my $p (@$data) {
		my $m = $p->{MaHoSo};
		unless ($dossier{$m}) {
			violation(kind => 'no_record', MaHoSo => $m, detail => 'progress of a dossier the portal has no record of');
			reject('no_record');
			return err_reply('-2', "Không tìm thấy hồ sơ $m");
		}
		my $k = pkey($p);
		my $list = $pmeta{$m} // [];
		my ($at) = grep { $list->[$_]{key} eq $k } 0 .. $#$list;
		if (defined $at && !$seen_in_call{$k}) {
			# the portal keeps one copy of a progress record
			my $old = $list->[$at];
			if ($old->{answered}) {
				violation(kind => 'duplicate', MaHoSo => $m, index => $at + 1, ThoiDiemXuLy => $p->{ThoiDiemXuLy},
					NoiDungXuLy => $p->{NoiDungXuLy}, TrangThai => "$p->{TrangThai}",
					detail => "progress record " . ($at + 1) . " of the dossier, answered (call $old->{call}), sent again by session $r->{session}");
			}
			else {
				# its answer was lost: the resend is the answer
				$redelivered++;
				push @touched, $old;
			}
			next;
		}
		$seen_in_call{$k} = 1;
		my $prev = $last{$m} // (@{ $progress{$m} } ? $progress{$m}[-1]{ThoiDiemXuLy} : undef);
		if (defined $prev && $p->{ThoiDiemXuLy} lt $prev) {
			violation(kind => 'out_of_order', MaHoSo => $m,
				detail => "ThoiDiemXuLy $p->{ThoiDiemXuLy} after $prev");
			reject('out_of_order');
			return err_reply('4', "ThoiDiemXuLy: $m không được sớm hơn lần cập nhật trước ($prev)");
		}
		$last{$m} = $p->{ThoiDiemXuLy};
		push @store, [ $p, $k ];
	}
	my %ms;
	for (@store) {
		my ($p, $k) = @$_;
		push @{ $progress{ $p->{MaHoSo} } }, $p;
		my $meta = { key => $k, call => $call, answered => 0 };
		push @{ $pmeta{ $p->{MaHoSo} } }, $meta;
		push @touched, $meta;
	}
	$ms{ $_->{MaHoSo} } = 1 for @$data;
	touch($_, $r->{session}, 'CapNhatTienDoHoSoMC') for sort keys %ms;
	accepted($r, [ sort keys %ms ], n => scalar(@$data), stored => scalar(@store));
	return ok_reply();
}

sub svc_fetch_new
{
	my ($r) = @_;
	my @out;
	for my $x (@inbox) {
		next if $x->{confirmed};
		$x->{offered}++;
		push @out, $x->{record};
	}
	accepted($r, [ map { $_->{MaHoSo} } @out ]);
	return ok_reply(data => \@out);
}

sub svc_confirm
{
	my ($r) = @_;
	my $data = $r->{data};
	unless (ref $data eq 'ARRAY' && !grep { !is_str($_) } @$data) {
		reject('field');
		return err_reply('1', 'data: a list of MaHoSo');
	}
	my $n = 0;
	for my $m (@$data) {
		for my $x (@inbox) {
			if (!$x->{confirmed} && $x->{record}{MaHoSo} eq $m) { $x->{confirmed} = 1; $n++; }
		}
	}
	accepted($r, [@$data], confirmed => $n);
	return ok_reply(confirmed => $n);
}

sub svc_lookup
{
	my ($r) = @_;
	my $m = $r->{mahoso};
	unless (nonblank($m)) { reject('field'); return err_reply('1', 'mahoso: required'); }
	my $d = $dossier{$m};
	unless ($d) { reject('not_found'); return err_reply('-2', "Không tìm thấy hồ sơ $m"); }
	accepted($r, [$m]);
	return ok_reply(data => $d->{record});
}

my %service = (DongBoHoSoMC => \&svc_record, CapNhatTienDoHoSoMC => \&svc_progress,
	LayHoSoMoiMC => \&svc_fetch_new, XacNhanHoSoMC => \&svc_confirm, TraCuuHoSo => \&svc_lookup);

sub do_service
{
	my ($body, $call) = @_;
	my $r = eval { $json->decode($body) };
	if (ref $r ne 'HASH') { reject('bad_json'); return err_reply('1', 'body: a JSON object'); }
	unless (session_live($r->{session})) {
		reject('session');
		return err_reply('401', 'Phiên làm việc hết hạn');
	}
	if (($r->{madonvi} // '') ne $opt{unit}) {
		reject('unit');
		return err_reply('-4', 'madonvi: không đúng mã đơn vị (' . ($r->{madonvi} // 'null') . ')');
	}
	my $f = $service{ $r->{service} // '' };
	unless ($f) { reject('service'); return err_reply('-5', 'service: không hỗ trợ ' . ($r->{service} // 'null')); }
	return $f->($r, $call);
}

sub do_control
{
	my ($body) = @_;
	my $c = eval { $json->decode($body) };
	return (400, { error => 'a JSON object' }) unless ref $c eq 'HASH';
	reset_state() if $c->{reset};
	for my $k (qw(fail_next fail_every timeout_next timeout_every lost_reply_next lost_reply_every exists_next expire_every
		status hold down_after delay exists_message reject_sessions auth_refuse auth_refuse_after auth_echo redirect)) {
		$fault{$k} = $c->{$k} if exists $c->{$k};
	}
	$fault{accepted_calls} = 0 if exists $c->{expire_every};
	delete $fault{auth_refuse_after} if exists $c->{auth_refuse} && !$c->{auth_refuse};
	delete $fault{$_} for grep { exists $fault{$_} && !defined $fault{$_} } keys %fault;
	if (exists $c->{reply_raw}) {
		my $raw = $c->{reply_raw};
		$fault{reply_raw} = [ grep { ref $_ eq 'HASH' } (ref $raw eq 'ARRAY' ? @$raw : ($raw)) ];
		delete $fault{reply_raw} unless @{ $fault{reply_raw} };
	}
	$fault{down_for} = $c->{down_for} if defined $c->{down_after};
	if ($c->{expire_sessions}) { $_->{expired} = 1 for values %session; }
	if (exists $c->{down}) {
		if ($c->{down}) { $fault{down} = 1; delete $fault{down_until}; }
		else { delete @fault{qw(down down_until down_after)}; }
	}
	if (defined $c->{down_for} && !defined $c->{down_after} && !exists $c->{down}) {
		$fault{down} = 1;
		$fault{down_until} = time + $c->{down_for};
	}
	if (ref $c->{enqueue} eq 'ARRAY') {
		push @inbox, { record => $_, confirmed => 0, offered => 0 } for @{ $c->{enqueue} };
	}
	$dirty = 1;
	say_log('control', $body);
	return (200, { ok => JSON::PP::true, faults => faults() });
}

# the faults of the portal's own service calls, in order; returns an action
sub fault_for_call
{
	my ($n) = @_;
	if (defined $fault{down_after} && --$fault{down_after} < 0) {
		delete $fault{down_after};
		$fault{down} = 1;
		$fault{down_until} = time + $fault{down_for} if $fault{down_for};
		say_log('down (down_after)');
	}
	return 'down' if is_down();
	if ($fault{fail_next} && $fault{fail_next} > 0) { $fault{fail_next}--; return 'fail'; }
	return 'fail' if $fault{fail_every} && $n % $fault{fail_every} == 0;
	if ($fault{timeout_next} && $fault{timeout_next} > 0) { $fault{timeout_next}--; return 'timeout'; }
	return 'timeout' if $fault{timeout_every} && $n % $fault{timeout_every} == 0;
	if ($fault{lost_reply_next} && $fault{lost_reply_next} > 0) { $fault{lost_reply_next}--; return 'lost_reply'; }
	return 'lost_reply' if $fault{lost_reply_every} && $n % $fault{lost_reply_every} == 0;
	return '';
}

# ---------- HTTP ----------

my %conn;    # fileno -> {sock, in, out, close_after, held_until, peer}
my $sel = IO::Select->new($listen);

sub http_response
{
	my ($c, $status, $body, $extra) = @_;
	my %text = (100 => 'Continue', 200 => 'OK', 400 => 'Bad Request', 404 => 'Not Found', 405 => 'Method Not Allowed',
		413 => 'Payload Too Large', 500 => 'Internal Server Error', 502 => 'Bad Gateway', 503 => 'Service Unavailable');
	my $b = ref $body ? $json->encode($body) : $body;
	$c->{out} .= "HTTP/1.1 $status " . ($text{$status} // 'Status') . "\r\n"
	  . "Content-Type: application/json; charset=utf-8\r\n"
	  . 'Content-Length: ' . length($b) . "\r\n"
	  . ($c->{close_after} ? "Connection: close\r\n" : "Connection: keep-alive\r\n")
	  . ($extra // '') . "\r\n" . $b;
}

sub close_conn
{
	my ($fd) = @_;
	my $c = delete $conn{$fd} or return;
	$sel->remove($c->{sock});
	close $c->{sock};
}

# one complete request off the connection's buffer, or undef when incomplete
sub take_request
{
	my ($c) = @_;
	my $end = index($c->{in}, "\r\n\r\n");
	my $sep = 4;
	if ($end < 0) { $end = index($c->{in}, "\n\n"); $sep = 2; }
	return undef if $end < 0;
	my $head = substr($c->{in}, 0, $end);
	my @lines = split /\r?\n/, $head;
	my ($method, $path, $ver) = (shift(@lines) // '') =~ m{^(\S+)\s+(\S+)\s+HTTP/(\d\.\d)$};
	return { bad => 1 } unless $method;
	my %h;
	for (@lines) { $h{ lc $1 } = $2 if /^([^:]+):\s*(.*?)\s*$/; }
	my $rest = substr($c->{in}, $end + $sep);
	my $body;
	if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
		my ($pos, $b) = (0, '');
		while (1) {
			my $nl = index($rest, "\r\n", $pos);
			return undef if $nl < 0;
			my $size = hex((substr($rest, $pos, $nl - $pos) =~ /^([0-9a-fA-F]+)/)[0] // 0);
			if ($size == 0) {
				my $t = index($rest, "\r\n\r\n", $nl - 2 < 0 ? 0 : $nl - 2);
				return undef if $t < 0;
				$c->{in} = substr($rest, $t + 4);
				last;
			}
			return undef if length($rest) < $nl + 2 + $size + 2;
			$b .= substr($rest, $nl + 2, $size);
			$pos = $nl + 2 + $size + 2;
		}
		$body = $b;
	}
	else {
		my $len = $h{'content-length'} // 0;
		return { bad => 1 } unless $len =~ /^\d+$/;
		return { too_large => 1 } if $len > 64 * 1024 * 1024;
		if (length($rest) < $len) {
			if (($h{expect} // '') =~ /100-continue/i && !$c->{continued}) {
				$c->{out} .= "HTTP/1.1 100 Continue\r\n\r\n";
				$c->{continued} = 1;
			}
			return undef;
		}
		$body = substr($rest, 0, $len);
		$c->{in} = substr($rest, $len);
	}
	$c->{continued} = 0;
	my $close = ($ver eq '1.0' && ($h{connection} // '') !~ /keep-alive/i) || ($h{connection} // '') =~ /close/i;
	return { method => $method, path => $path, body => $body, close => $close };
}

sub handle_request
{
	my ($fd, $c, $q) = @_;
	if ($q->{bad} || $q->{too_large}) {
		$c->{close_after} = 1;
		http_response($c, $q->{bad} ? 400 : 413, { error => 'bad request' });
		$c->{in} = '';
		return;
	}
	$c->{close_after} = 1 if $q->{close};
	my ($path, $query) = split /\?/, $q->{path}, 2;
	$query //= '';
	if ($path eq '/_state' && $q->{method} eq 'GET') {
		http_response($c, 200, state_json($query =~ /\bbrief=1\b/, $query =~ /\blog_from=(\d+)/ ? $1 : undef));
		return;
	}
	if ($path eq '/_control' && $q->{method} eq 'POST') {
		my ($st, $r) = do_control($q->{body});
		http_response($c, $st, $r);
		return;
	}
	if ($q->{method} ne 'POST' || ($path ne '/' && $path ne '/auth' && $path ne '')) {
		http_response($c, $q->{method} eq 'POST' ? 404 : 405, { error_code => '-1', message => "no $q->{method} $path here" });
		return;
	}
	if ($path eq '/auth') {
		if (is_down()) { reject('down'); $c->{drop} = 1; return; }
		if (($fault{auth_echo} // '') eq 'body') {
			reject('auth_echo');
			http_response($c, 400, $q->{body});
			return;
		}
		http_response($c, 200, do_auth($q->{body}));
		return;
	}
	my $n = ++$calls;
	$dirty = 1;
	if (defined $fault{redirect}) {
		reject('redirect');
		say_log("call $n: redirected");
		my $to = $fault{redirect};
		utf8::encode($to);
		http_response($c, 302, '', "Location: $to\r\n");
		return;
	}
	if ($fault{reply_raw}) {
		my $raw = shift @{ $fault{reply_raw} };
		delete $fault{reply_raw} unless @{ $fault{reply_raw} };
		my $b = defined $raw->{body_hex} ? pack('H*', $raw->{body_hex}) : $raw->{body} // '';
		utf8::encode($b) if utf8::is_utf8($b);
		reject('raw');
		say_log("call $n: raw reply, " . length($b) . ' bytes');
		http_response($c, $raw->{status} // 200, $b);
		return;
	}
	if ($fault{reject_sessions}) {
		reject('session');
		http_response($c, 200, err_reply('401', 'Phiên làm việc hết hạn'));
		return;
	}
	my $action = fault_for_call($n);
	if ($action eq 'down') { reject('down'); $c->{drop} = 1; say_log("call $n: down"); return; }
	if ($action eq 'fail') {
		reject('http_' . $fault{status});
		say_log("call $n: HTTP $fault{status}");
		http_response($c, $fault{status}, { error_code => '-500', message => 'Lỗi hệ thống' });
		return;
	}
	if ($action eq 'timeout') {
		reject('timeout');
		say_log("call $n: held");
		$c->{held_until} = time + $fault{hold};
		return;
	}
	@touched = ();
	my $reply = do_service($q->{body}, $n);
	say_log("call $n:", $json->encode($reply)) if $opt{verbose} || $logfh;
	if ($action eq 'lost_reply') {
		reject('lost_reply');
		$c->{held_until} = time + $fault{hold};
		return;
	}
	if ($fault{delay} && $fault{delay} > 0) {
		$c->{defer} = { at => time + $fault{delay}, reply => $reply, touched => [@touched] };
		return;
	}
	# the call is answered: its progress counts as acknowledged from now on
	$_->{answered} = 1 for @touched;
	http_response($c, 200, $reply);
}

# a deferred reply whose time came: out it goes, then the connection's next requests
sub release
{
	my ($fd, $c) = @_;
	my $d = delete $c->{defer};
	$_->{answered} = 1 for @{ $d->{touched} };
	http_response($c, 200, $d->{reply});
	serve($fd, $c);
}

sub serve
{
	my ($fd, $c) = @_;
	while (!$c->{held_until} && !$c->{defer} && !$c->{drop} && (my $q = take_request($c))) {
		handle_request($fd, $c, $q);
		last if $c->{close_after};
	}
	close_conn($fd) if $c->{drop};
}

my $stop = 0;
$SIG{TERM} = $SIG{INT} = sub { $stop = 1; };
my $parent = getppid();
$SIG{PIPE} = 'IGNORE';

while (!$stop) {
	last if getppid() != $parent;
	my $now = time;
	my $timeout = 0.25;
	for my $c (values %conn) {
		$timeout = $c->{held_until} - $now if $c->{held_until} && $c->{held_until} - $now < $timeout;
		$timeout = $c->{defer}{at} - $now if $c->{defer} && $c->{defer}{at} - $now < $timeout;
	}
	$timeout = 0 if $timeout < 0;
	my $wsel = IO::Select->new(map { $_->{sock} } grep { length $_->{out} } values %conn);
	my ($r, $w) = IO::Select->select($sel, $wsel, undef, $timeout);
	if (!$r && !$w) {
		dump_state();
	}
	for my $s (@{ $r // [] }) {
		if ($s == $listen) {
			while (my $n = $listen->accept) {
				$n->blocking(0);
				$conn{ fileno $n } = { sock => $n, in => '', out => '' };
				$sel->add($n);
			}
			next;
		}
		my $fd = fileno $s;
		my $c = $conn{$fd} or next;
		my $got = sysread($s, my $buf, 65536);
		if (!defined $got) { next if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR; close_conn($fd); next; }
		if ($got == 0) { close_conn($fd); next; }
		next if $c->{held_until};    # a held connection: what comes is dropped
		$c->{in} .= $buf;
		serve($fd, $c);
	}
	for my $s (@{ $w // [] }) {
		my $fd = fileno $s;
		my $c = $conn{$fd} or next;
		my $n = syswrite($s, $c->{out});
		if (!defined $n) { next if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR; close_conn($fd); next; }
		substr($c->{out}, 0, $n) = '';
		close_conn($fd) if !length $c->{out} && $c->{close_after};
	}
	$now = time;
	for my $fd (keys %conn) {
		my $c = $conn{$fd};
		if ($c->{held_until} && $c->{held_until} <= $now) { close_conn($fd); next; }
		release($fd, $c) if $c->{defer} && $c->{defer}{at} <= $now;
	}
}
close_conn($_) for keys %conn;
$dirty = 1;
dump_state();
say_log('stopped');
exit 0;
