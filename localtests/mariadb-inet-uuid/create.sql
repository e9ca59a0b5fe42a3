-- MariaDB's own types: INET6, INET4, UUID (stored in binary forms that differ
-- from their text).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  ip6 inet6,
  ip4 inet4,
  u uuid,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, '::', '0.0.0.0', '00000000-0000-0000-0000-000000000000'),
  (null, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '255.255.255.255', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
  (null, '::ffff:192.0.2.1', '192.0.2.1', '123e4567-e89b-12d3-a456-426614174000'),
  (null, null, null, null);

drop event if exists gh_ost_test;
delimiter ;;
create event gh_ost_test
  on schedule every 1 second
  starts current_timestamp
  ends current_timestamp + interval 60 second
  on completion not preserve
  enable
  do
begin
  insert into gh_ost_test values (null, '2001:db8::1', '10.0.0.1', uuid());
  -- trailing zero bytes (cut in the binlog), a version-1 UUID (stored swapped) and a
  -- version-7 one (stored as it reads), both ending in zeros
  insert into gh_ost_test values (null, '2001:db8::', '10.0.0.0', '123e4567-e89b-12d3-a456-426614170000');
  insert into gh_ost_test values (null, '::', '0.0.0.0', '01890a5d-8ac0-7dd8-b2a0-c3a6e6f3b100');
  update gh_ost_test set ip6 = '::1', u = uuid() where id = 1;
  delete from gh_ost_test where id = 4;
end ;;
