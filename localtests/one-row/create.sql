-- A table of one row, which the event updates (and it inserts no more rows).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  s varchar(32),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1, 'only');

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
  update gh_ost_test set i = i + 1, s = concat('only ', i) where id = 1;
end ;;
