import type { Messages } from '../index.js';

export default {
  title: 'Sign in',
  username: 'User name',
  password: 'Password',
  submit: 'Sign in',
  failed: 'Wrong user name or password',
  locked: 'Too many attempts; try again in {seconds} s',
} satisfies Messages;
