-- The two-step cut-over (--cut-over=two-step): lock, rename the original away,
-- rename the ghost in.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1), (null, 2), (null, 3);

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
  insert into gh_ost_test values (null, 4);
  update gh_ost_test set i = i + 1 where id = 1;
  delete from gh_ost_test where id = 2;
end ;;
