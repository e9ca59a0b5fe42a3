-- The ALTER renames a column without --approve-renamed-columns: ghost-rs must
-- stop and ask (gh-ost's behaviour), not guess.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  old_name varchar(32),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'red'), (null, 'green');

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
  insert into gh_ost_test values (null, 'orange');
end ;;
