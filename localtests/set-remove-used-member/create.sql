-- The ALTER removes a SET member that rows use: it would vanish from their values.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s set('a', 'b', 'c') not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'a'), (null, 'a,b'), (null, 'c');

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
  insert into gh_ost_test values (null, 'a');
end ;;
