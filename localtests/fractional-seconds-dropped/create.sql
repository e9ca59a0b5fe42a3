-- DATETIME(6) to DATETIME(0) over values with microseconds: they would be rounded,
-- so the migration is refused before any copy.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  t datetime(6) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, '2026-01-02 03:04:05.123456'), (null, '2026-01-02 03:04:05');

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
  insert into gh_ost_test values (null, now(6));
end ;;
