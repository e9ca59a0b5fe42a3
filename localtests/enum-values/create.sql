-- ENUM columns: every member, the empty-string error value (index 0), NULL.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  e enum('red', 'green', 'blue', 'orange') not null,
  e2 enum('', 'a', 'b', 'ü', '😀') null,
  primary key(id)
) auto_increment=1 default charset=utf8mb4;

insert into gh_ost_test values (null, 'red', ''), (null, 'green', 'a'), (null, 'blue', 'ü'), (null, 'orange', '😀'), (null, 1, null);

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
  insert into gh_ost_test values (null, 'red', '😀');
  insert into gh_ost_test values (null, 4, 3);
  update gh_ost_test set e = 'orange', e2 = 'ü' where id = 1;
  update gh_ost_test set e2 = null where id = 4;
  delete from gh_ost_test where id = 3;
end ;;
