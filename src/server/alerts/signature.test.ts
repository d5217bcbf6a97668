import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signedHeaders } from './signature.js';

const AT = new Date(1614265330_000);

describe('Standard Webhooks signatures', () => {
  it("matches the specification's example", () => {
    const headers = signedHeaders(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      '{"test": 2432232314}',
      AT,
    );
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs with every secret given, each verifiable by the library on its own', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()] as [string, string];
    const body = '{"id":"1"}';
    const headers = signedHeaders([current, previous], 'msg_1', body, new Date());
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous])
      expect(new Webhook(secret).verify(body, headers)).toEqual({ id: '1' });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('keeps a secret made before, in base64url, valid once written in the standard alphabet', () => {
    const legacy = 'whsec_-_8AAQID-_8AAQID-_8AAQID-_8AAQID';
    const body = '{"id":"2"}';
    const headers = signedHeaders([legacy], 'msg_2', body, new Date());
    const standard = legacy.replaceAll('-', '+').replaceAll('_', '/').replace('whsec/', 'whsec_');
    expect(new Webhook(standard).verify(body, headers)).toEqual({ id: '2' });
  });
});
