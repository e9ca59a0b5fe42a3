-- The ALTER adds a UNIQUE key over a column with duplicate values: the copy's
-- INSERT IGNORE would silently drop rows, so ghost-rs must stop.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  email varchar(64) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'a@example.com'), (null, 'b@example.com'), (null, 'a@example.com'), (null, 'c@example.com');

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
  insert into gh_ost_test values (null, concat(rand(), '@example.com'));
end ;;
