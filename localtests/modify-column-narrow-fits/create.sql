-- The ALTER narrows INT to SMALLINT and VARCHAR(100) to VARCHAR(10): every
-- value (also those the event writes) fits, so the migration succeeds.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  c int not null,
  s varchar(100),
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values (null, 32767, 'ten chars!'), (null, -32768, ''), (null, 0, null), (null, 12345, 'abc');

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
  insert into gh_ost_test values (null, -32768, 'x');
  insert into gh_ost_test values (null, 32767, 'ten chars.');
  update gh_ost_test set c = -c where id = 4;
  delete from gh_ost_test where id = 3;
end ;;
