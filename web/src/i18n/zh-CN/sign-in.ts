export default {
  title: '登录',
  username: '用户名',
  password: '密码',
  submit: '登录',
  failed: '用户名或密码错误',
  locked: '尝试次数过多，请 {seconds} 秒后再试',
};
