{{ stg_audience_demographics(source('raw', 'tiktok__audience_demographics')) }}
