-- SET columns: combinations, the empty set, NULL, members given by bitmask.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s set('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i') not null,
  s2 set('x', 'ü', '😀') null,
  primary key(id)
) auto_increment=1 default charset=utf8mb4;

insert into gh_ost_test values
  (null, '', null), (null, 'a', 'x'), (null, 'a,c,e', 'x,ü'), (null, 'a,b,c,d,e,f,g,h,i', 'x,ü,😀'), (null, 256, 4), (null, 'i', '');

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
  insert into gh_ost_test values (null, 'b,h', '😀');
  insert into gh_ost_test values (null, 511, 7);
  update gh_ost_test set s = concat(s, ',i'), s2 = 'ü' where id = 2;
  update gh_ost_test set s = '' where id = 4;
  delete from gh_ost_test where id = 5;
end ;;
