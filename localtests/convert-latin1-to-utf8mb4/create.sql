-- The ALTER converts a latin1 table to utf8mb4: the bytes change (é is e9 in
-- latin1, c3a9 in utf8mb4), the characters must not.
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  s varchar(64) not null,
  t text,
  c char(4),
  primary key(id)
) auto_increment=1 default charset=latin1;

insert into gh_ost_test values
  (null, x'476ff6746865', x'e9e8e0', x'c4d6dc'),
  (null, 'plain ascii', 'text', 'abcd'),
  (null, x'808182a0ff', x'e6f8e5', null),
  (null, '', '', '');

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
  insert into gh_ost_test values (null, x'e9e9e9', x'fcfcfc', x'df');
  update gh_ost_test set s = concat(s, x'f1'), c = x'a9' where id = 1;
  delete from gh_ost_test where id = 4;
end ;;
