-- The event changes primary key values (an UPDATE is a delete of the old key and
-- a write of the new one), swaps two keys in one transaction, and reuses a
-- deleted key.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int not null,
  v varchar(64),
  primary key(id)
);

insert into gh_ost_test values (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (100, 'x');

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
  start transaction;
  update gh_ost_test set id = -1 where id = 1;
  update gh_ost_test set id = 1 where id = 2;
  update gh_ost_test set id = 2 where id = -1;
  commit;
  update gh_ost_test set id = id + 1 where id >= 100 order by id desc;
  delete from gh_ost_test where id = 3;
  insert into gh_ost_test values (3, concat('again ', now()));
  delete from gh_ost_test where id = 5;
  update gh_ost_test set id = 5, v = 'moved' where id = 4;
  insert into gh_ost_test values (4, 'new');
end ;;
