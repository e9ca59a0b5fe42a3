-- BIT(1) as a flag: b'0', b'1', NULL.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  flag bit(1) not null default b'0',
  maybe bit(1) null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, b'0', null), (null, b'1', b'0'), (null, 1, 1), (null, 0, b'1');

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
  insert into gh_ost_test values (null, b'1', null);
  insert into gh_ost_test (id) values (null);
  update gh_ost_test set flag = not flag, maybe = b'1' where id = 1;
  update gh_ost_test set maybe = null where id = 2;
  delete from gh_ost_test where id = 4;
end ;;
