/** The frame log screen (报文查询): every frame the gateways received that the role may see; `#/frames?mn=…` preselects a collector. */
import { FrameLog, frameMessages } from '../components/FrameLog.js';
import { useT } from '../i18n/use-t.js';
import type { ScreenProps } from '../routes.js';

export default function FramesScreen(props: ScreenProps) {
  const t = useT(frameMessages);
  return (
    <section data-screen="frames" class="screen">
      <h1>{t('title')}</h1>
      <FrameLog name="frames" initial={{ mn: props.query.mn ?? '', verdict: props.query.verdict ?? '' }} />
    </section>
  );
}
