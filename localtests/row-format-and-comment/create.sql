-- The ALTER changes table options only: ROW_FORMAT, COMMENT, AUTO_INCREMENT.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  i int not null,
  s varchar(100),
  primary key(id)
) auto_increment=1 row_format=compact comment='before';

insert into gh_ost_test values (null, 1, 'a'), (null, 2, 'b'), (null, 3, 'c');

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
  insert into gh_ost_test values (null, 4, 'd');
  update gh_ost_test set s = concat(s, s) where id = 1;
  delete from gh_ost_test where id = 2;
end ;;
