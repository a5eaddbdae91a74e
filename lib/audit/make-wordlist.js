'use strict'
// Writes wordlist.txt: the JWT secrets that tutorials, samples, defaults and people use,
// with the usual variations. Run `node lib/audit/make-wordlist.js` after editing the lists.
const fs = require('node:fs')
const path = require('node:path')

// Secrets copied from tutorials, framework samples and .env.example files.
const TUTORIAL = `secret secretkey secret-key secret_key secretKey SECRET SECRET_KEY mysecret my-secret my_secret mySecret
mysecretkey my-secret-key my_secret_key mySecretKey jwt jwtsecret jwt-secret jwt_secret jwtSecret JWT_SECRET jwtkey jwt-key
jwt_key jwtKey jwtsecretkey jwt-secret-key jwt_secret_key your-256-bit-secret your-384-bit-secret your-512-bit-secret
your_jwt_secret your-jwt-secret yourjwtsecret your_secret your-secret yoursecret your-secret-key your_secret_key
your-secret-here your_secret_here secret-here changeme change-me change_me changeit change-it changethis change-this
change_this CHANGEME CHANGE_ME changeme123 pleasechangeme please-change-me replace-me replaceme replace_me
supersecret super-secret super_secret superSecret supersecretkey super-secret-key super_secret_key
verysecret very-secret very_secret topsecret top-secret top_secret shhhhh shhhhhared-secret keyboard-cat keyboard cat
keyboardcat default defaultsecret default-secret default_secret token tokensecret token-secret token_secret
access-token-secret access_token_secret refresh-token-secret refresh_token_secret accesstokensecret refreshtokensecret
ACCESS_TOKEN_SECRET REFRESH_TOKEN_SECRET auth authsecret auth-secret auth_secret authkey auth-key auth_key
app-secret app_secret appsecret APP_SECRET application-secret api-secret api_secret apisecret API_SECRET apikey api-key
api_key signing-key signing_key signingkey hmac hmac-secret hmac_secret hmacsecret hs256 HS256 hs256-secret
s3cr3t s3cret secr3t 5ecret sEcReT Secret Secret123 secret1 secret12 secret123 secret1234 secret12345 secret!
secret@123 secretpassword secret-password test testing test-secret test_secret testsecret dev dev-secret dev_secret
devsecret development development-secret local local-secret localsecret example example-secret examplesecret
sample sample-secret demo demo-secret demosecret node nodejs node-secret express express-secret expressjs
nest nestjs nestjs-secret nest-secret koa koa-secret fastify fastify-secret hapi loopback strapi sails meteor
django flask rails laravel spring spring-boot symfony gin fiber next nextjs next-auth nextauth NEXTAUTH_SECRET
passport passport-jwt passportjs jsonwebtoken json-web-token jsonwebtokensecret hello hello-world helloworld
thisismysecret this-is-my-secret this_is_my_secret thisisasecret this-is-a-secret thisisthesecret ThisIsMySecret
notasecret not-a-secret not_a_secret nosecret no-secret insecure insecure-secret unsafe unsafe-secret
i-am-a-secret iamasecret secretsauce secret-sauce secret_sauce mysupersecret my-super-secret my_super_secret
mysupersecretkey my-super-secret-key my_super_secret_key mysupersecretpassword somesecret some-secret some_secret
random random-secret randomsecret randomstring random-string qwertyuiopasdfghjklzxcvbnm123456
abcdefghijklmnopqrstuvwxyz abcdefghijklmnopqrstuvwxyz123456 0123456789abcdef 0123456789abcdef0123456789abcdef
1234567890abcdef 00000000000000000000000000000000 11111111111111111111111111111111 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
xxxxxxxx xxxxxxxxxxxxxxxx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx todo TODO fixme FIXME placeholder undefined null none
NaN true false key private privatekey private-key private_key public publickey password-secret gfg_jwt_secret_key
gfg_token_header_key RANDOM_TOKEN_SECRET RANDOM_SECRET_TOKEN tokenkey token_key tasmanianDevil bezkoder-secret-key
bezkoder_secret_key secret-key-for-jwt jwt-secret-key-for-app a-string-secret-at-least-256-bits-long
my-32-character-ultra-secure-and-ultra-long-secret uF2n0G5L6SamplE secret_jwt_key jwtPrivateKey jwt_private_key
privateKeyJWT youraccesstokensecret yourrefreshtokensecret your_access_token_secret your_refresh_token_secret
SomeRandomSecret somerandomsecret some-random-secret secretOrPrivateKey secretOrKey secret_or_key`

// Passwords people reuse as secrets.
const PASSWORDS = `password password1 password12 password123 password1234 Password Password1 Password123 P@ssw0rd P@ssword
p@ssw0rd passw0rd pass pass123 pass1234 admin admin1 admin12 admin123 admin1234 Admin Admin123 administrator root toor
root123 user user123 guest guest123 login login123 welcome welcome1 welcome123 Welcome1 letmein letmein1 letmein123
qwerty qwerty1 qwerty12 qwerty123 qwertyuiop qwerty1234 azerty 123456 1234567 12345678 123456789 1234567890 12345 1234
123 111111 000000 123123 654321 666666 121212 112233 123321 987654321 0987654321 abc123 abcd1234 abc12345 iloveyou
monkey dragon master sunshine princess football baseball shadow superman batman trustno1 michael jennifer hunter
hunter2 freedom whatever starwars pokemon mustang access secret007 zaq12wsx 1q2w3e4r 1q2w3e 1qaz2wsx q1w2e3r4
asdfgh asdfghjkl zxcvbnm zxcvbn qazwsx qwer1234 asdf1234 1234qwer test123 test1234 tester testtest changepassword
default123 system manager service support oracle mysql postgres postgresql mongodb mongo redis docker kubernetes
ubuntu debian linux windows apple google facebook github gitlab bitbucket heroku vercel netlify aws azure firebase`

const WALKS = `qwertyuiop asdfghjkl zxcvbnm qwerty asdfgh zxcvbn qazwsx wsxedc edcrfv rfvtgb 1qaz2wsx3edc
1q2w3e4r5t 1q2w3e4r5t6y qweasd qweasdzxc qwe123 asd123 zxc123 !qaz2wsx poiuytrewq lkjhgfdsa mnbvcxz 0987654321
1a2b3c4d a1b2c3d4 q1w2e3 aaa aaaa aaaaa aaaaaa abcabc abcdef abcdefg abcdefgh`

// Secrets with spaces, one per line.
const PHRASES = `keyboard cat
my secret
my secret key
this is my secret
this is a secret
super secret
super secret key
top secret
secret key
jwt secret
change me
not so secret
correct horse battery staple
the quick brown fox jumps over the lazy dog
shhhhh
i love you`

const BASES = `secret key jwt token auth password pass admin app api signing hmac private session cookie access refresh
mysecret jwtsecret secretkey appsecret apisecret tokensecret authsecret supersecret changeme`

const tokens = (text) => text.split(/\s+/).filter(Boolean)

function variations(word) {
  const out = [word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)]
  for (const suffix of [
    '1',
    '12',
    '123',
    '1234',
    '12345',
    '!',
    '@123',
    '#',
    '_1',
    '-1',
    '2019',
    '2020',
    '2021',
    '2022',
    '2023',
    '2024',
    '2025',
    '2026',
    '_dev',
    '-dev',
    '_prod',
    '-prod',
    '_test',
    '-test',
    '_key',
    '-key',
    'key',
    '_secret',
    '-secret',
    'secret',
  ]) {
    out.push(word + suffix)
  }
  for (const prefix of [
    'my',
    'my-',
    'my_',
    'the',
    'your',
    'your-',
    'your_',
    'app-',
    'app_',
    'jwt-',
    'jwt_',
    'super',
    'super-',
    'dev-',
    'prod-',
  ]) {
    out.push(prefix + word)
  }
  return out
}

function build() {
  const words = new Set()
  for (const w of [...tokens(TUTORIAL), ...tokens(PASSWORDS), ...tokens(WALKS)]) words.add(w)
  for (const p of PHRASES.split('\n')) words.add(p)
  for (const base of tokens(BASES)) for (const v of variations(base)) words.add(v)
  // Tutorial secrets with the suffixes people add when told to "change this".
  for (const w of tokens(TUTORIAL))
    for (const s of ['1', '123', '!', '2024', '2025', '_dev', '-prod']) words.add(w + s)
  for (const w of tokens(PASSWORDS).slice(0, 80)) for (const s of ['!', '1', '123', '2024']) words.add(w + s)
  // Repeated characters and digit runs of the lengths people type.
  for (let n = 4; n <= 32; n++) {
    words.add('a'.repeat(n))
    words.add('x'.repeat(n))
    words.add('1'.repeat(n))
    words.add('0'.repeat(n))
    words.add('1234567890'.repeat(4).slice(0, n))
  }
  words.add('')
  return [...words]
}

if (require.main === module) {
  const list = build()
  fs.writeFileSync(path.join(__dirname, 'wordlist.txt'), `${list.join('\n')}\n`)
  console.log(`wordlist.txt: ${list.length} secrets`)
}

module.exports = { build }
