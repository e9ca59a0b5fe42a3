-- The ALTER removes an ENUM member that rows use: their values cannot be kept,
-- so the migration must stop (not store '' silently).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  e enum('red', 'green', 'blue') not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'red'), (null, 'green'), (null, 'blue'), (null, 'green');

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
  insert into gh_ost_test values (null, 'green');
  update gh_ost_test set e = 'red' where id = 1;
end ;;
