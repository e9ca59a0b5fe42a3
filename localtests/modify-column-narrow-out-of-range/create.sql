-- The ALTER narrows INT to SMALLINT but a row holds 40000: the copy would clip it
-- to 32767, so the migration must stop and leave the original as it was.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  c int not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 1), (null, 2), (null, 40000), (null, 3);

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
  insert into gh_ost_test values (null, 5);
end ;;
