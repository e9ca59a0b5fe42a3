-- Converting a utf8mb4 column that holds characters latin1 does not have: they
-- would become '?', so the migration is refused before any copy.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s varchar(32) character set utf8mb4 not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 'café'), (null, '東京'), (null, 'plain');

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
  insert into gh_ost_test values (null, 'naïve');
end ;;
