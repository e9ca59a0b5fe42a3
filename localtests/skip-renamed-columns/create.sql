-- A column rename with --skip-renamed-columns: the renamed column is not copied
-- (gh-ost's behaviour), so the new column keeps its default.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  old_name varchar(32),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 11, 'red'), (null, 13, 'green'), (null, 17, 'blue');

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
  insert into gh_ost_test values (null, 23, 'orange');
  update gh_ost_test set old_name = 'purple', i = i + 1 where id = 1;
  delete from gh_ost_test where id = 3;
end ;;
