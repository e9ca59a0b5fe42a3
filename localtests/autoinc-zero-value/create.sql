-- An AUTO_INCREMENT primary key holding 0 (possible under NO_AUTO_VALUE_ON_ZERO):
-- copying it must keep 0, not draw a new AUTO_INCREMENT value.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (0, 100), (1, 101), (2, 102), (-5, 95);

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
  insert into gh_ost_test values (null, 200);
  update gh_ost_test set i = i + 1 where id = 0;
  delete from gh_ost_test where id = 2;
end ;;
