-- The ALTER reorders ENUM members that rows use: their numbers (sort order) would
-- change, so it is refused unless --allow-lossy (see enum-reorder).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  e enum('red', 'green', 'blue') not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 'red'), (null, 2, 'green'), (null, 3, 'blue'), (null, 4, 'blue'), (null, 5, 'red');

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
  insert into gh_ost_test values (null, 11, 'red');
  insert into gh_ost_test values (null, 13, 'green');
  insert into gh_ost_test values (null, 17, 'blue');
  update gh_ost_test set e = 'green' where id = 1;
  update gh_ost_test set e = 'red' where id = 3;
end ;;
