export default {
  title: '修改密码',
  hint: '修改后，本账号在其他浏览器中的登录会话将结束。',
  currentPassword: '当前密码',
  newPassword: '新密码',
  confirmPassword: '再次输入新密码',
  save: '修改密码',
  changed: '密码已修改',
};
