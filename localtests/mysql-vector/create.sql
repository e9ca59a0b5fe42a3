-- MySQL 9's VECTOR type (float32 arrays stored as binary).
drop table if exists gh_ost_test;
create table gh_ost_test (
  id int auto_increment,
  v vector(3),
  v1 vector(1) not null,
  primary key(id)
) auto_increment=1;

insert into gh_ost_test values
  (null, string_to_vector('[1, 2, 3]'), string_to_vector('[0]')),
  (null, string_to_vector('[-1.5, 3.0e38, 1e-30]'), string_to_vector('[-0]')),
  (null, null, string_to_vector('[42.25]'));

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
  insert into gh_ost_test values (null, string_to_vector(concat('[', rand(), ', 0, -1]')), string_to_vector('[7]'));
  update gh_ost_test set v = string_to_vector('[9, 9, 9]') where id = 3;
  update gh_ost_test set v1 = string_to_vector(concat('[', id, ']')) where id = 1;
  delete from gh_ost_test where id = 2;
end ;;
