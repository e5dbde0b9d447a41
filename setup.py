"nbdev 2 style setup: every piece of package metadata is read from settings.ini."
from configparser import ConfigParser
import shlex
import setuptools

config = ConfigParser(delimiters=['='])
config.read('settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

for key in 'lib_name version description author author_email min_python license user'.split():
    if key not in cfg: raise ValueError(f"settings.ini lacks the '{key}' key")

def _reqs(key): return shlex.split(cfg.get(key, ''))

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
lic = licenses.get(cfg['license'].lower(), (cfg['license'], None))
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable']
extras = {name: _reqs(f'{name}_requirements') for name in ('dev', 'dicom', 'nifti', 'tutorial')}
extras['all'] = sorted({r for name in ('dicom', 'nifti', 'tutorial') for r in extras[name]})

setuptools.setup(
    name=cfg['lib_name'],
    version=cfg['version'],
    license=lic[0],
    classifiers=[f"Development Status :: {statuses[int(cfg['status']) - 1]}",
                 f"Intended Audience :: {cfg['audience']}",
                 f"Natural Language :: {cfg['language']}",
                 'Programming Language :: Python :: 3.11',
                 'Topic :: Scientific/Engineering :: Medical Science Apps.']
                + ([f'License :: {lic[1]}'] if lic[1] else []),
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=['mmdr', 'mmdr.*']),
    include_package_data=True,
    install_requires=_reqs('requirements'),
    extras_require=extras,
    python_requires='>=' + cfg['min_python'],
    description=cfg['description'],
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    author=cfg['author'],
    author_email=cfg['author_email'],
    keywords=cfg['keywords'],
    zip_safe=False,
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
)
