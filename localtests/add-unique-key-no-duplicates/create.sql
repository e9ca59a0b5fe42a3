-- The ALTER adds a UNIQUE key over values that are unique (and the event keeps
-- them unique): the migration succeeds.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  email varchar(64) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'a@example.com'), (null, 'b@example.com'), (null, 'c@example.com');

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
  insert into gh_ost_test values (null, concat(uuid(), '@example.com'));
  update gh_ost_test set email = concat('moved-', email) where id = 1;
  delete from gh_ost_test where id = 2;
end ;;
