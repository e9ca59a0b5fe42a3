-- Heavy concurrent writes: every second the event inserts 100 rows, updates 50
-- (some of them changing the key) and deletes 50, in several transactions,
-- while the copy runs with small chunks.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  s varchar(64),
  ts timestamp(6) not null default current_timestamp(6) on update current_timestamp(6),
  primary key(id),
  key i_idx (i)
) auto_increment=1;

insert into gh_ost_test (i, s) values (1, 'seed'), (2, 'seed'), (3, 'seed'), (4, 'seed'), (5, 'seed');
insert into gh_ost_test (i, s) select i + 5, s from gh_ost_test;
insert into gh_ost_test (i, s) select i + 10, s from gh_ost_test;
insert into gh_ost_test (i, s) select i + 20, s from gh_ost_test;
insert into gh_ost_test (i, s) select i + 40, s from gh_ost_test;

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
  declare n int default 0;
  while n < 100 do
    insert into gh_ost_test (i, s) values (floor(rand() * 1000), concat('ins ', n));
    set n = n + 1;
  end while;
  start transaction;
  update gh_ost_test set i = i + 1, s = 'upd' order by rand() limit 40;
  update gh_ost_test set id = -id where id > 0 order by rand() limit 10;
  commit;
  start transaction;
  delete from gh_ost_test order by rand() limit 50;
  commit;
end ;;
