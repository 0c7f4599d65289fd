import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fieldViews } from './view-model.ts';
import type { Question } from './definition.ts';

// A survey's answers on the customer's page come in the organisation's own
// translations (issue 10 §2), as the rest of its pages do.

const question: Question = {
  code: 'q1',
  type: 'yesno',
  text: { en: 'Did we fix it?' },
  required: true,
};

describe('a survey question’s answers', () => {
  it('take the organisation’s Welsh where it gave some, and are marked English where there is none', () => {
    const shipped = fieldViews([question], {}, {}, 'cy', false);
    const own = fieldViews([question], {}, {}, 'cy', false, {
      organisationId: '00000000-0000-4000-8000-000000000001',
      language: 'cy',
      version: '1:now',
      texts: new Map([['surveys.scales.yesno.yes', 'Do, yn wir']]),
    });
    const yes = (views: ReturnType<typeof fieldViews>) =>
      views[0]!.items.find((item) => item.value === 'yes')!.html;
    assert.equal(yes(own), 'Do, yn wir');
    assert.notEqual(yes(shipped), 'Do, yn wir');
    const no = own[0]!.items.find((item) => item.value === 'no')!.html;
    assert.equal(
      no,
      fieldViews([question], {}, {}, 'cy', false)[0]!.items[1]!.html,
      'others as shipped',
    );
  });
});
