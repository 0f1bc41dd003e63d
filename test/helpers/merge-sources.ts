// The sources the merge tests merge, pushed to a source registry: one image a
// platform under acme/app (1 MiB layers, tagged by architecture), and
// acme/multi:1, an index as buildx's docker-container driver pushes it:
// images plus attestation manifests.
import { pushAttestation, pushImage, pushIndex, type Endpoint, type Pushed } from '../../support/images.js';

export interface MergeSources {
  /** platform -> acme/app:<architecture> */
  images: Record<string, Pushed>;
  /** acme/multi:1 (linux/arm/v7, linux/ppc64le and their attestations). */
  multi: Pushed;
  multiAttestations: Pushed[];
}

export async function pushMergeSources(src: Endpoint): Promise<MergeSources> {
  const images: Record<string, Pushed> = {};
  for (const platform of ['linux/amd64', 'linux/arm64', 'linux/s390x'])
    images[platform] = await pushImage(
      src,
      'acme/app',
      { platform, layerBytes: 1024 * 1024 },
      platform.split('/')[1],
    );
  const armv7 = await pushImage(src, 'acme/multi', { platform: 'linux/arm/v7' });
  const ppc = await pushImage(src, 'acme/multi', { platform: 'linux/ppc64le' });
  const multiAttestations = [
    await pushAttestation(src, 'acme/multi', armv7),
    await pushAttestation(src, 'acme/multi', ppc),
  ];
  const multi = await pushIndex(src, 'acme/multi', '1', [armv7, ppc, ...multiAttestations]);
  return { images, multi, multiAttestations };
}
