-- The ALTER appends an ENUM member and changes the default: the existing
-- members keep their ordinals and their values.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  e enum('red', 'green') not null default 'red',
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'red'), (null, 'green'), (null, default);

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
  update gh_ost_test set e = if(e = 'red', 'green', 'red') where id = 1;
end ;;
