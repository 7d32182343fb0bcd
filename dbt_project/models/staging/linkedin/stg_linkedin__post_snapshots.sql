{{ stg_post_snapshots(source('raw', 'linkedin__post_snapshots')) }}
